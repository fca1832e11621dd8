"""Waveform augmentation on padded batches: the score must survive channels, not content.

Each function takes ``wav [B, N]`` and ``lengths [B]`` and returns a new batch.
"""

from __future__ import annotations

import io
import random

import numpy as np
import torch
import torch.nn.functional as F

from ..constants import SAMPLE_RATE


def _valid(wav: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    return (torch.arange(wav.shape[1])[None, :] < lengths[:, None]).float()


def _rms(wav: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    return torch.sqrt((wav**2).sum(1) / lengths.clamp(min=1) + 1e-10)


def coloured_noise(shape: tuple[int, int], exponent: float) -> torch.Tensor:
    """Noise with power ~ 1/f**exponent (0 white, 1 pink, 2 brown), unit RMS."""
    white = torch.randn(shape)
    if exponent == 0:
        return white
    spec = torch.fft.rfft(white)
    f = torch.arange(spec.shape[-1]).clamp(min=1).float()
    noise = torch.fft.irfft(spec / f ** (exponent / 2), n=shape[1])
    return noise / noise.std(dim=1, keepdim=True)


def add_noise(wav, lengths, snr_db: torch.Tensor, babble_p: float = 0.3):
    """Add white/coloured noise or babble (other utterances of the batch) at per-item SNR."""
    b, n = wav.shape
    noise = torch.stack([coloured_noise((1, n), random.choice([0.0, 1.0, 2.0]))[0] for _ in range(b)])
    if b > 3:
        babble = sum(torch.roll(wav, shifts=s, dims=0) for s in (1, 2, 3))
        use = (torch.rand(b) < babble_p)[:, None]
        noise = torch.where(use, babble / (babble.std(dim=1, keepdim=True) + 1e-8), noise)
    valid = _valid(wav, lengths)
    scale = _rms(wav, lengths) / 10 ** (snr_db / 20)
    return wav + noise * valid * scale[:, None]


def reverb(wav, lengths, rt60: torch.Tensor):
    """Convolve with a synthetic room impulse response (decaying noise, given RT60 in seconds)."""
    b, n = wav.shape
    ir_len = int(0.6 * SAMPLE_RATE)
    t = torch.arange(ir_len).float()[None, :] / SAMPLE_RATE
    ir = torch.randn(b, ir_len) * torch.exp(-6.9 * t / rt60[:, None])
    ir[:, 0] = 1.0
    ir = ir / ir.norm(dim=1, keepdim=True)
    size = n + ir_len
    out = torch.fft.irfft(torch.fft.rfft(wav, size) * torch.fft.rfft(ir, size), size)[:, :n]
    out = out * _valid(wav, lengths)
    return out * (_rms(wav, lengths) / _rms(out, lengths))[:, None]


def band_limit(wav, low_hz: float, high_hz: float):
    spec = torch.fft.rfft(wav)
    f = torch.fft.rfftfreq(wav.shape[1], 1 / SAMPLE_RATE)
    return torch.fft.irfft(spec * ((f >= low_hz) & (f <= high_hz)).float(), n=wav.shape[1])


def lossy(x: np.ndarray) -> np.ndarray:
    """Round-trip through a lossy codec libsndfile writes (Ogg Vorbis or MP3)."""
    import soundfile as sf

    fmt, sub = random.choice([("OGG", "VORBIS"), ("MP3", "MPEG_LAYER_III")])
    buf = io.BytesIO()
    try:
        sf.write(buf, x, SAMPLE_RATE, format=fmt, subtype=sub)
        buf.seek(0)
        y, _ = sf.read(buf, dtype="float32")
    except Exception:  # codec missing in this libsndfile build: leave the clip as it is
        return x
    return np.pad(y, (0, max(0, len(x) - len(y))))[: len(x)].astype(np.float32)


def speed(x: np.ndarray, factor: float) -> np.ndarray:
    """Change speed and pitch together by resampling (factor > 1 is faster)."""
    t = torch.from_numpy(x)[None, None, :]
    return F.interpolate(t, size=max(1, int(len(x) / factor)), mode="linear", align_corners=False)[0, 0].numpy()


def augment_clip(x: np.ndarray, p: float) -> np.ndarray:
    """Per-clip augmentations done before batching (they change the length or need a codec)."""
    if random.random() < 0.3 * p:
        x = speed(x, random.uniform(0.85, 1.2))
    if random.random() < 0.1 * p:
        x = lossy(x)
    return x


def augment_batch(wav: torch.Tensor, lengths: torch.Tensor, p: float) -> torch.Tensor:
    """Batch augmentations, each applied to a random subset; ``p`` scales all probabilities."""
    b = wav.shape[0]
    wav = wav.clone()

    def apply(prob: float, fn) -> None:
        idx = torch.nonzero(torch.rand(b) < prob * p).flatten()
        if len(idx):
            wav[idx] = fn(wav[idx], lengths[idx], len(idx))

    apply(0.3, lambda w, n, k: reverb(w, n, torch.empty(k).uniform_(0.15, 0.8)))
    apply(0.15, lambda w, n, k: band_limit(w, 300.0, 3400.0))
    apply(0.6, lambda w, n, k: add_noise(w, n, torch.empty(k).uniform_(-10.0, 30.0)))
    wav = wav * 10 ** (torch.empty(b, 1).uniform_(-25.0, 6.0) / 20)
    apply(0.1, lambda w, n, k: w.clamp(-0.3, 0.3))
    return wav * _valid(wav, lengths)
