"""Export trained encoders to ONNX with the JSON sidecar, and check parity with PyTorch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import torch

from .. import __version__
from ..calibration import fit_logistic
from ..constants import DEFAULT_LANGUAGE, MAX_SECONDS, SAMPLE_RATE
from ..model import AUDIO_FILE, PHONEME_FILE, SIDECAR, sha256_file
from ..phonemes import Inventory, espeak_version
from .nets import Scraps

OPSET = 17


def export_onnx(model: Scraps, out_dir: Path) -> None:
    """Write both encoders with dynamic batch and length axes."""
    model = model.eval().cpu()
    out_dir.mkdir(parents=True, exist_ok=True)
    wav, wlen = torch.randn(2, SAMPLE_RATE), torch.tensor([SAMPLE_RATE, SAMPLE_RATE // 2])
    ids, ilen = torch.randint(2, model.dims.vocab_size, (2, 12)), torch.tensor([12, 7])
    common = dict(opset_version=OPSET, dynamo=False, do_constant_folding=True)
    torch.onnx.export(model.audio, (wav, wlen), str(out_dir / AUDIO_FILE), input_names=["waveform", "lengths"],
                      output_names=["embedding"], dynamic_axes={"waveform": {0: "batch", 1: "samples"},
                      "lengths": {0: "batch"}, "embedding": {0: "batch"}}, **common)
    torch.onnx.export(model.text, (ids, ilen), str(out_dir / PHONEME_FILE), input_names=["phoneme_ids", "lengths"],
                      output_names=["embedding"], dynamic_axes={"phoneme_ids": {0: "batch", 1: "phonemes"},
                      "lengths": {0: "batch"}, "embedding": {0: "batch"}}, **common)


def parity(model: Scraps, out_dir: Path, wav: torch.Tensor, wlen: torch.Tensor, ids: torch.Tensor,
           ilen: torch.Tensor) -> float:
    """Largest absolute difference between PyTorch and ONNX Runtime embeddings on real inputs."""
    import onnxruntime as ort

    model = model.eval().cpu()
    with torch.no_grad():
        ref_a = model.audio(wav, wlen).numpy()
        ref_t = model.text(ids, ilen).numpy()
    sa = ort.InferenceSession(str(out_dir / AUDIO_FILE), providers=["CPUExecutionProvider"])
    st = ort.InferenceSession(str(out_dir / PHONEME_FILE), providers=["CPUExecutionProvider"])
    got_a = sa.run(None, {"waveform": wav.numpy(), "lengths": wlen.numpy()})[0]
    got_t = st.run(None, {"phoneme_ids": ids.numpy(), "lengths": ilen.numpy()})[0]
    return float(max(np.abs(ref_a - got_a).max(), np.abs(ref_t - got_t).max()))


def write_sidecar(out_dir: Path, name: str, inventory: Inventory, embed_dim: int, matched: np.ndarray,
                  mismatched: np.ndarray, training: dict) -> Path:
    """The sidecar is the runtime's single source of truth about the model."""
    slope, intercept = fit_logistic(matched, mismatched)
    q = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]
    sidecar = {
        "format": 1,
        "name": name,
        "version": __version__,
        "sample_rate": SAMPLE_RATE,
        "max_seconds": MAX_SECONDS,
        "espeak_voice": DEFAULT_LANGUAGE,
        "espeak_version": espeak_version(),
        "embedding_size": embed_dim,
        "phonemes": list(inventory.tokens),
        "files": {
            "audio_encoder": {"path": AUDIO_FILE, "sha256": sha256_file(out_dir / AUDIO_FILE)},
            "phoneme_encoder": {"path": PHONEME_FILE, "sha256": sha256_file(out_dir / PHONEME_FILE)},
        },
        "calibration": {
            "kind": "logistic",
            "slope": slope,
            "intercept": intercept,
            "note": "match probability = sigmoid(slope * cosine + intercept), fitted on validation "
                    "matched vs mismatched pairs; calibrated score = 100 * probability",
            "quantiles": q,
            "matched": np.quantile(matched, q).round(4).tolist(),
            "mismatched": np.quantile(mismatched, q).round(4).tolist(),
        },
        "training": training,
    }
    path = out_dir / SIDECAR
    path.write_text(json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def install_model(src: Path, dest: Path) -> None:
    """Copy an exported model folder (e.g. into models/ of the repo)."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_file():
            shutil.copy2(f, dest / f.name)
