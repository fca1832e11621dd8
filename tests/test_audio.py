import numpy as np
import pytest
import soundfile as sf

from intelliscore.audio import AudioError, load_audio
from intelliscore.constants import MAX_SECONDS, SAMPLE_RATE
from intelliscore.train.synth import Voice, synthesize


@pytest.fixture(scope="module")
def speech():
    return synthesize("Testing one two three.", Voice("espeak", "en-us"))


@pytest.mark.parametrize("fmt,subtype,ext", [
    ("WAV", "PCM_16", "wav"), ("WAV", "FLOAT", "wav"), ("WAV", "PCM_24", "wav"), ("FLAC", "PCM_16", "flac"),
    ("OGG", "VORBIS", "ogg"), ("OGG", "OPUS", "opus"), ("MP3", "MPEG_LAYER_III", "mp3"),
])
def test_formats_are_read_as_mono_16k(tmp_path, speech, fmt, subtype, ext):
    sr = 48_000 if subtype == "OPUS" else 22_050
    import soxr

    x = soxr.resample(speech, SAMPLE_RATE, sr).astype(np.float32)
    path = tmp_path / f"a.{ext}"
    sf.write(path, np.stack([x, x], axis=1), sr, format=fmt, subtype=subtype)  # stereo in
    y = load_audio(path)
    assert y.ndim == 1 and y.dtype == np.float32
    assert abs(len(y) / SAMPLE_RATE - len(speech) / SAMPLE_RATE) < 0.15


def test_missing_file(tmp_path):
    with pytest.raises(AudioError, match="not found"):
        load_audio(tmp_path / "nope.wav")


def test_corrupt_file(tmp_path):
    p = tmp_path / "bad.wav"
    p.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk")
    with pytest.raises(AudioError, match="cannot read bad.wav"):
        load_audio(p)


def test_zero_length_file(tmp_path):
    p = tmp_path / "empty.wav"
    sf.write(p, np.zeros(0, np.float32), SAMPLE_RATE)
    with pytest.raises(AudioError, match="no samples"):
        load_audio(p)


def test_silent_file(tmp_path):
    p = tmp_path / "silent.wav"
    sf.write(p, np.zeros(SAMPLE_RATE, np.float32), SAMPLE_RATE)
    with pytest.raises(AudioError, match="silent"):
        load_audio(p)


def test_too_long_file_is_refused(tmp_path):
    p = tmp_path / "long.flac"
    sf.write(p, 0.1 * np.random.default_rng(0).standard_normal(int((MAX_SECONDS + 1) * 8000)).astype(np.float32),
             8000)
    with pytest.raises(AudioError, match="split it"):
        load_audio(p)
