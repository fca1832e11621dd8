"""File -> mono float32 waveform at the model's sample rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .constants import MAX_SECONDS, MIN_SECONDS, SAMPLE_RATE, SILENCE_RMS


class AudioError(ValueError):
    """The audio cannot be scored; the message says why and what to do."""


def to_mono_16k(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Mix any channel count to mono and resample to SAMPLE_RATE (soxr, high quality)."""
    import soxr

    x = np.asarray(samples)
    if np.issubdtype(x.dtype, np.integer):
        x = x.astype(np.float32) / float(np.iinfo(x.dtype).max + 1)
    x = x.astype(np.float32, copy=False)
    if x.ndim == 2:
        x = x.mean(axis=1, dtype=np.float32)
    if sample_rate != SAMPLE_RATE and x.size:
        x = soxr.resample(x, sample_rate, SAMPLE_RATE, quality="HQ").astype(np.float32)
    return np.ascontiguousarray(x)


def check_waveform(x: np.ndarray, name: str = "audio") -> np.ndarray:
    """Refuse audio the model cannot judge: too short, too long, silent or not finite."""
    seconds = x.size / SAMPLE_RATE
    if x.size == 0:
        raise AudioError(f"{name} has no samples (zero-length file)")
    if not np.all(np.isfinite(x)):
        raise AudioError(f"{name} contains NaN or infinite samples")
    if seconds < MIN_SECONDS:
        raise AudioError(f"{name} is {seconds:.3f} s long; at least {MIN_SECONDS} s is needed")
    if seconds > MAX_SECONDS:
        raise AudioError(
            f"{name} is {seconds:.1f} s long; the model takes at most {MAX_SECONDS:.0f} s: "
            "split it into sentences first"
        )
    if float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) < SILENCE_RMS:
        raise AudioError(f"{name} is silent (RMS below {SILENCE_RMS:g})")
    return x


def load_audio(path: str | Path) -> np.ndarray:
    """Read any file libsndfile reads (WAV, FLAC, OGG/Opus, MP3, ...) as mono 16 kHz float32.

    Raises AudioError with a one-line reason for missing, unreadable, empty,
    silent or over-long files.
    """
    import soundfile as sf

    p = Path(path)
    if not p.is_file():
        raise AudioError(f"file not found: {p}")
    try:
        samples, sr = sf.read(str(p), dtype="float32", always_2d=False)
    except Exception as exc:  # libsndfile's errors are many and untyped
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AudioError(f"cannot read {p.name} as audio ({reason}); is it WAV/FLAC/OGG/MP3?") from exc
    return check_waveform(to_mono_16k(samples, sr), p.name)
