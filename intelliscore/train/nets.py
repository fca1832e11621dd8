"""The two encoders (SCRAPS-style) and the symmetric contrastive loss, in PyTorch.

Both encoders return L2-normalised embeddings (as open_clip does), so the score
is a plain dot product. The log-mel front end is part of the audio encoder, so
the exported ONNX graph takes 16 kHz waveforms and the runtime needs no DSP.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..constants import HOP_LENGTH, N_FFT, N_MELS, SAMPLE_RATE

NEG = -1e4  # additive mask value; finite so fully padded rows never produce NaN


@dataclass
class ModelDims:
    vocab_size: int
    width: int = 192
    heads: int = 4
    audio_layers: int = 4
    text_layers: int = 3
    embed_dim: int = 256

    def to_dict(self) -> dict:
        return asdict(self)


def mel_filterbank(n_mels: int = N_MELS, n_fft: int = N_FFT, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Triangular HTK-mel filters, shape [n_fft // 2 + 1, n_mels] (what torchaudio builds by default)."""

    def hz_to_mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def mel_to_hz(m):
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    pts = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2))
    up = (freqs[:, None] - pts[None, :-2]) / (pts[1:-1] - pts[:-2])[None, :]
    down = (pts[None, 2:] - freqs[:, None]) / (pts[2:] - pts[1:-1])[None, :]
    return np.maximum(0.0, np.minimum(up, down)).astype(np.float32)


class LogMel(nn.Module):
    """STFT as a strided convolution with a windowed DFT basis (exports to plain ONNX Conv)."""

    def __init__(self) -> None:
        super().__init__()
        n_bins = N_FFT // 2 + 1
        window = torch.hann_window(N_FFT, periodic=True, dtype=torch.float64)
        ang = 2 * math.pi * torch.arange(n_bins, dtype=torch.float64)[:, None] * torch.arange(N_FFT)[None, :] / N_FFT
        basis = torch.cat([torch.cos(ang) * window, -torch.sin(ang) * window]).float()[:, None, :]
        self.register_buffer("basis", basis, persistent=False)
        self.register_buffer("fbank", torch.from_numpy(mel_filterbank()), persistent=False)
        self.n_bins = n_bins

    def forward(self, wav: torch.Tensor) -> torch.Tensor:  # [B, N] -> [B, T, N_MELS]
        x = F.pad(wav[:, None, :], (N_FFT // 2, N_FFT // 2))
        spec = F.conv1d(x, self.basis, stride=HOP_LENGTH)
        power = spec[:, : self.n_bins] ** 2 + spec[:, self.n_bins :] ** 2
        return torch.log(torch.matmul(power.transpose(1, 2), self.fbank) + 1e-6)


def frames_for(samples: torch.Tensor) -> torch.Tensor:
    """Number of STFT frames for each waveform length (matches LogMel's padding)."""
    return torch.div(samples, HOP_LENGTH, rounding_mode="floor") + 1


def sinusoids(length: int, width: int) -> torch.Tensor:
    inv = torch.exp(-math.log(10000.0) * torch.arange(0, width, 2, dtype=torch.float32) / width)
    ang = torch.arange(length, dtype=torch.float32)[:, None] * inv[None, :]
    return torch.cat([torch.sin(ang), torch.cos(ang)], dim=1)


class Block(nn.Module):
    """Pre-norm transformer block with a key padding mask (hand-written so it exports cleanly)."""

    def __init__(self, width: int, heads: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv, self.out = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.ff = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Dropout(dropout), nn.Linear(4 * width, width))
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, w = x.shape
        q, k, v = self.qkv(self.ln1(x)).reshape(b, t, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(w // self.heads) + bias, dim=-1)
        x = x + self.drop(self.out((att @ v).transpose(1, 2).reshape(b, t, w)))
        return x + self.drop(self.ff(self.ln2(x)))


class Encoder(nn.Module):
    """Transformer over a padded sequence, attention-pooled to one normalised vector."""

    def __init__(self, width: int, heads: int, layers: int, embed_dim: int) -> None:
        super().__init__()
        self.register_buffer("pos", sinusoids(4096, width), persistent=False)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln = nn.LayerNorm(width)
        self.pool = nn.Linear(width, 1)
        self.proj = nn.Linear(width, embed_dim)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        valid = torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]
        bias = (~valid).float()[:, None, None, :] * NEG
        x = x + self.pos[: x.shape[1]]
        for block in self.blocks:
            x = block(x, bias)
        x = self.ln(x)
        weights = torch.softmax(self.pool(x).squeeze(-1) + (~valid).float() * NEG, dim=-1)
        pooled = (weights[..., None] * x).sum(dim=1)
        return F.normalize(self.proj(pooled), dim=-1)


class AudioEncoder(nn.Module):
    """Waveform [B, N] + lengths [B] -> embedding [B, E]."""

    def __init__(self, dims: ModelDims) -> None:
        super().__init__()
        self.mel = LogMel()
        self.conv1 = nn.Conv1d(N_MELS, dims.width, 5, stride=2, padding=2)
        self.conv2 = nn.Conv1d(dims.width, dims.width, 5, stride=2, padding=2)
        self.encoder = Encoder(dims.width, dims.heads, dims.audio_layers, dims.embed_dim)

    def forward(self, wav: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        n = frames_for(lengths)
        mel = self.mel(wav)
        valid = (torch.arange(mel.shape[1], device=wav.device)[None, :] < n[:, None]).float()[..., None]
        # Per-utterance normalisation over real frames: gain and channel invariant.
        frames = valid.sum(dim=1, keepdim=True)  # [B, 1, 1]
        mean = (mel * valid).sum(dim=1, keepdim=True) / frames  # per mel bin
        centred = (mel - mean) * valid
        std = torch.sqrt((centred**2).sum(dim=(1, 2), keepdim=True) / (frames * mel.shape[2]) + 1e-5)
        x = centred / std
        for conv in (self.conv1, self.conv2):
            # Each strided conv gives ceil(n / 2) frames; zero what lies past them so padding never leaks in.
            x = F.gelu(conv(x.transpose(1, 2))).transpose(1, 2)
            n = torch.div(n + 1, 2, rounding_mode="floor")
            x = x * (torch.arange(x.shape[1], device=x.device)[None, :] < n[:, None]).float()[..., None]
        return self.encoder(x, n)


class PhonemeEncoder(nn.Module):
    """Phoneme ids [B, L] + lengths [B] -> embedding [B, E]."""

    def __init__(self, dims: ModelDims) -> None:
        super().__init__()
        self.embed = nn.Embedding(dims.vocab_size, dims.width, padding_idx=0)
        self.encoder = Encoder(dims.width, dims.heads, dims.text_layers, dims.embed_dim)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.encoder(self.embed(ids), lengths)


class Scraps(nn.Module):
    """Both encoders and the learnable temperature."""

    def __init__(self, dims: ModelDims) -> None:
        super().__init__()
        self.dims = dims
        self.audio = AudioEncoder(dims)
        self.text = PhonemeEncoder(dims)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


def clip_loss(audio: torch.Tensor, text: torch.Tensor, hard: torch.Tensor | None, same_text: torch.Tensor,
              logit_scale: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric InfoNCE; hard negative texts are extra candidates for each audio.

    ``same_text[i, j]`` is true when utterances i and j share a transcript: those
    pairs are not negatives and are masked out. Returns (loss, audio->text accuracy).
    """
    scale = logit_scale.clamp(max=math.log(100.0)).exp()
    sim = audio @ text.T
    eye = torch.eye(len(audio), dtype=torch.bool, device=audio.device)
    mask = same_text & ~eye
    logits = (scale * sim).masked_fill(mask, NEG)
    a2t = logits
    if hard is not None:
        a2t = torch.cat([logits, scale * (audio @ hard.T)], dim=1)
    target = torch.arange(len(audio), device=audio.device)
    loss = 0.5 * (F.cross_entropy(a2t, target) + F.cross_entropy(logits.T, target))
    acc = (a2t.argmax(dim=1) == target).float().mean()
    return loss, acc
