"""Audio and model constants shared by scoring and training.

Kept in one place (as whisper does) so the exported front end, the runtime's
resampler and the training data all agree.
"""

SAMPLE_RATE = 16_000  # Hz; every waveform is resampled to this before the model
N_FFT = 400  # 25 ms window
HOP_LENGTH = 160  # 10 ms hop
N_MELS = 80
MAX_SECONDS = 30.0  # longer files are refused with an error row (split them first)
MIN_SECONDS = 0.1  # shorter files are refused: nothing to hear
SILENCE_RMS = 1e-4  # below this RMS (about -80 dBFS) the audio counts as silent

DEFAULT_LANGUAGE = "en-us"
WORD_BOUNDARY = "|"  # token between words in a phoneme sequence
PAD, UNK = "<pad>", "<unk>"  # ids 0 and 1 of every inventory
