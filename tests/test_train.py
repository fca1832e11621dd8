"""`intelliscore train` end to end on a tiny built-in corpus: generate, train, export, score."""

import json

import pandas as pd
import pytest

from conftest import run_cli

pytest.importorskip("torch")


def test_train_then_score_with_the_new_model(tmp_path, wav_dir):
    real = tmp_path / "real"
    real.mkdir()
    rows = ["path,text,speaker"]
    for i in range(4):  # a "real speech" manifest with two speakers, so one is held out
        rows.append(f"{wav_dir / f'utt{i}.wav'},{pd.read_csv(wav_dir / 'transcripts.csv').text[i]},s{i % 2}")
    (real / "manifest.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "run"
    res = run_cli("train", str(out), "--config", "tests/tiny_train.toml", "--data",
                  f"csv:{real / 'manifest.csv'}:0.5", "--device", "cpu", timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    model = out / "export" / "intelliscore-base"
    meta = json.loads((model / "model.json").read_text())
    assert meta["training"]["steps"] == 4
    assert meta["training"]["onnx_parity_max_abs_diff"] < 1e-3
    assert (out / "test-0.csv").exists()  # held-out speakers are written for evaluation

    report = tmp_path / "r.csv"
    res = run_cli("score", str(wav_dir), "-t", str(wav_dir / "transcripts.csv"), "-o", str(report),
                  "--model", str(model), "--quiet")
    assert res.returncode == 0, res.stderr
    assert (pd.read_csv(report).status == "ok").all()

    res = run_cli("train", str(out), "--config", "tests/tiny_train.toml", "--steps", "6", "--resume",
                  "--data", f"csv:{real / 'manifest.csv'}:0.5", "--device", "cpu", timeout=600)
    assert res.returncode == 0, res.stderr
    assert "resumed from" in res.stdout + res.stderr
    assert json.loads((model / "model.json").read_text())["training"]["steps"] == 6


def test_train_rejects_unknown_config_keys(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("stepz = 3\n")
    res = run_cli("train", str(tmp_path / "run"), "--config", str(cfg))
    assert res.returncode == 2 and "stepz" in res.stderr


def test_audio_encoder_is_gain_invariant_and_ignores_padding():
    """Per-utterance normalisation: a louder copy embeds the same; padding changes nothing."""
    import torch

    from intelliscore.train.nets import AudioEncoder, ModelDims

    torch.manual_seed(0)
    enc = AudioEncoder(ModelDims(vocab_size=10, width=32, audio_layers=1, embed_dim=8)).eval()
    x = 0.1 * torch.randn(1, 16000)
    with torch.no_grad():
        quiet = enc(x, torch.tensor([16000]))
        loud = enc(4 * x, torch.tensor([16000]))
        padded = enc(torch.cat([x, torch.zeros(1, 8000)], dim=1), torch.tensor([16000]))
    assert torch.allclose(quiet, loud, atol=1e-3)
    assert torch.allclose(quiet, padded, atol=1e-4)


def test_mel_filterbank_covers_the_spectrum():
    from intelliscore.train.nets import mel_filterbank

    fb = mel_filterbank()
    assert fb.shape == (201, 80) and (fb.sum(axis=0) > 0).all()
