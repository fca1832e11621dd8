import json
import shutil

import numpy as np
import pytest

from intelliscore import Scorer
from intelliscore.model import Model, ModelError


def test_sidecar_is_complete(model_dir):
    meta = json.loads((model_dir / "model.json").read_text())
    for key in ("phonemes", "sample_rate", "espeak_voice", "embedding_size", "version", "files", "calibration"):
        assert key in meta
    assert meta["calibration"]["slope"] > 0


def test_tampered_model_is_refused(model_dir, tmp_path):
    copy = tmp_path / "m"
    shutil.copytree(model_dir, copy)
    onnx = copy / "phoneme_encoder.onnx"
    data = bytearray(onnx.read_bytes())
    data[-10] ^= 0xFF
    onnx.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        Model.load(copy, device="cpu")


def test_missing_model_says_what_to_do(tmp_path):
    with pytest.raises(ModelError, match="--model"):
        Model.load(tmp_path, device="cpu")


def test_cuda_request_without_cuda_is_a_clear_error(model_dir):
    import onnxruntime as ort

    try:
        Model.load(model_dir, device="cuda")
    except ModelError as exc:
        assert "cuda" in str(exc).lower()
    else:  # a machine with a working GPU
        assert "CUDAExecutionProvider" in ort.get_available_providers()


def test_embeddings_are_normalised(scorer):
    rng = np.random.default_rng(0)
    a = scorer.embed_audio([0.1 * rng.standard_normal(16000).astype(np.float32)])
    t = scorer.embed_phones([["h", "ə", "l", "oʊ"]])
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-4)
    assert np.allclose(np.linalg.norm(t, axis=1), 1, atol=1e-4)


def test_batching_does_not_change_scores(scorer, wav_dir):
    """Padding in a batch must not leak into the embedding (masks work)."""
    from conftest import SENTENCES

    pairs = [(wav_dir / f"utt{i}.wav", SENTENCES[i]) for i in range(4)]
    batched = [r.score for r in scorer.score_many(pairs)]
    single = [scorer.score(p, t).score for p, t in pairs]
    assert np.allclose(batched, single, atol=1e-4)


def test_api_scores_arrays_and_paths(scorer, wav_dir):
    import soundfile as sf
    from conftest import SENTENCES

    wave, _ = sf.read(wav_dir / "utt0.wav", dtype="float32")
    from_array = scorer.score(wave, SENTENCES[0])
    from_path = scorer.score(wav_dir / "utt0.wav", SENTENCES[0])
    assert from_array.ok and from_path.ok and from_path.id == "utt0"
    assert abs(from_array.score - from_path.score) < 1e-4
    bad = scorer.score(wav_dir / "utt0.wav", "   ")
    assert bad.status == "error" and "empty text" in bad.error and bad.score is None


def test_calibrated_score_is_monotonic_in_the_raw_score(scorer):
    raw = np.linspace(-1, 1, 201)
    cal = [scorer.calibrate(float(x)) for x in raw]
    assert all(b >= a for a, b in zip(cal, cal[1:]))
    assert 0 <= cal[0] < cal[-1] <= 100


def test_unknown_phonemes_are_reported(scorer, wav_dir):
    french = Scorer(scorer.model, language="fr-fr")
    row = french.score(wav_dir / "utt0.wav", "très bien, rouge")
    assert row.ok  # scored with <unk> in place of the phones the model does not know...
    assert "ʁ" in row.unknown_phonemes.split()  # ...and they are named in the report


def test_default_scorer_loads_shipped_model():
    scorer = Scorer.load(device="cpu")
    assert scorer.model.provider == "CPUExecutionProvider"
