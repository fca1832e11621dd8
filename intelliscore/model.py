"""The shipped model: a folder with two ONNX encoders and a JSON sidecar.

The sidecar (``model.json``) is the single source of truth: phoneme inventory,
sample rate, espeak voice, embedding size, calibration and the sha256 of each
ONNX file. A model whose files do not match their hashes is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .constants import SAMPLE_RATE
from .phonemes import Inventory

AUDIO_FILE = "audio_encoder.onnx"
PHONEME_FILE = "phoneme_encoder.onnx"
SIDECAR = "model.json"
DEFAULT_MODEL = "intelliscore-base"
ENV_VAR = "INTELLISCORE_MODEL"


class ModelError(RuntimeError):
    """The model folder is missing, incomplete, tampered with, or the device cannot be used."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_model_dir() -> Path:
    """``$INTELLISCORE_MODEL`` if set, else the model installed inside the package.

    In a source checkout that is not installed, the repo's ``models/`` is used.
    """
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    installed = Path(__file__).parent / "models" / DEFAULT_MODEL
    if installed.is_dir():
        return installed
    return Path(__file__).parent.parent / "models" / DEFAULT_MODEL


def _cuda_driver_present() -> bool:
    """True when the NVIDIA driver library loads (onnxruntime-gpu lists CUDA even without a GPU)."""
    import ctypes

    try:
        ctypes.CDLL("libcuda.so.1")
        return True
    except OSError:
        return False


def _providers(device: str) -> list[str]:
    import onnxruntime as ort

    available = ort.get_available_providers()
    if device == "cpu":
        return ["CPUExecutionProvider"]
    if device == "cuda":
        if "CUDAExecutionProvider" not in available:
            raise ModelError(
                "--device cuda: this onnxruntime has no CUDA provider (install onnxruntime-gpu, "
                f"available: {', '.join(available)})"
            )
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    if device == "auto":
        if "CUDAExecutionProvider" in available and _cuda_driver_present():
            return ["CUDAExecutionProvider", "CPUExecutionProvider"]
        return ["CPUExecutionProvider"]
    raise ModelError(f"unknown device {device!r}: use auto, cpu or cuda")


@dataclass
class Model:
    """Loaded encoders plus the sidecar's facts."""

    path: Path
    meta: dict
    inventory: Inventory
    provider: str
    _audio: object = field(repr=False)
    _phonemes: object = field(repr=False)

    @classmethod
    def load(cls, path: str | Path | None = None, device: str = "auto", threads: int | None = None) -> "Model":
        import onnxruntime as ort

        root = Path(path) if path else default_model_dir()
        sidecar = root / SIDECAR
        if not sidecar.is_file():
            raise ModelError(
                f"no model at {root} ({SIDECAR} missing): pass --model DIR or set {ENV_VAR} "
                "to a folder made by `intelliscore train`"
            )
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if meta.get("sample_rate") != SAMPLE_RATE:
            raise ModelError(f"model sample rate {meta.get('sample_rate')} != {SAMPLE_RATE} that this version supports")
        sessions = []
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        # ORT's arena keeps every batch shape's buffers: without it, memory stays flat on long runs
        # (measured: 373 MiB peak for 500 and for 1500 files; with the arena 366 then 413 MiB).
        opts.enable_cpu_mem_arena = False
        if threads:
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
        providers = _providers(device)
        for key in ("audio_encoder", "phoneme_encoder"):
            entry = meta["files"][key]
            onnx_path = root / entry["path"]
            if not onnx_path.is_file():
                raise ModelError(f"model file missing: {onnx_path}")
            if sha256_file(onnx_path) != entry["sha256"]:
                raise ModelError(
                    f"{onnx_path.name} does not match the sha256 in {SIDECAR}: the model is corrupt or was "
                    "modified; re-export it with `intelliscore train` or reinstall intelliscore"
                )
            sessions.append(ort.InferenceSession(str(onnx_path), opts, providers=providers))
        used = sessions[0].get_providers()[0]
        if device == "cuda" and used != "CUDAExecutionProvider":
            raise ModelError("--device cuda: ONNX Runtime could not start CUDA (check the driver and CUDA 12 libraries)")
        return cls(root, meta, Inventory(tuple(meta["phonemes"])), used, sessions[0], sessions[1])

    @property
    def name(self) -> str:
        return f"{self.meta.get('name', self.path.name)} {self.meta.get('version', '')}".strip()

    def embed_audio(self, waves: list[np.ndarray]) -> np.ndarray:
        """Embed a batch of 16 kHz mono waveforms (zero-padded to the longest)."""
        lengths = np.array([len(w) for w in waves], dtype=np.int64)
        batch = np.zeros((len(waves), int(lengths.max())), dtype=np.float32)
        for i, w in enumerate(waves):
            batch[i, : len(w)] = w
        return self._audio.run(None, {"waveform": batch, "lengths": lengths})[0]

    def embed_ids(self, sequences: list[list[int]]) -> np.ndarray:
        """Embed a batch of phoneme id sequences (zero-padded to the longest)."""
        lengths = np.array([len(s) for s in sequences], dtype=np.int64)
        batch = np.zeros((len(sequences), int(lengths.max())), dtype=np.int64)
        for i, s in enumerate(sequences):
            batch[i, : len(s)] = s
        return self._phonemes.run(None, {"phoneme_ids": batch, "lengths": lengths})[0]
