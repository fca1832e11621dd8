"""`intelliscore evaluate` on a small synthesized manifest."""

import json

import numpy as np
import pytest

from conftest import SENTENCES, run_cli, say
from intelliscore.evaluate import derangement, evaluate, read_manifest, roc_auc


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    d = tmp_path_factory.mktemp("evalset")
    rows = ["path,text,voice"]
    voices = ["en-us", "en-us+f3", "en-gb-x-rp+m3"]
    for i, text in enumerate(SENTENCES * 2):
        v = voices[i % 3]
        say(d / f"e{i}.wav", text, voice=v)
        rows.append(f'e{i}.wav,"{text}",espeak:{v}')
    (d / "manifest.csv").write_text("\n".join(rows) + "\n")
    return d / "manifest.csv"


def test_roc_auc_and_derangement():
    assert roc_auc(np.array([1.0, 2.0]), np.array([0.0, 0.5])) == 1.0
    assert roc_auc(np.array([0.0]), np.array([1.0])) == 0.0
    assert roc_auc(np.array([1.0]), np.array([1.0])) == 0.5
    texts = ["a", "a", "b", "c", "b"]
    perm = derangement(texts, 0)
    assert all(texts[perm[i]] != texts[i] for i in range(len(texts)))


def test_evaluate_cli_writes_results(manifest, tmp_path):
    res = run_cli("evaluate", str(manifest), "--out", str(tmp_path / "ev"))
    assert res.returncode == 0, res.stderr
    r = json.loads((tmp_path / "ev" / "results.json").read_text())
    assert r["utterances"] == 12
    assert 0 <= r["matched_mismatched"]["auc"] <= 1
    assert set(r["phoneme_sensitivity"]) == {"0.1", "0.2", "0.4"}
    assert set(r["noise"]) == {"0.25", "0.5", "0.75"}
    faults = r["broken_output"]["faults"]
    assert {"truncate_50", "digital_silence", "drop_word", "overall"} <= set(faults)
    assert faults["digital_silence"]["caught"] == 1.0  # refused audio counts as the lowest score
    assert "matched vs mismatched AUC" in res.stdout
    pytest.importorskip("matplotlib")
    assert (tmp_path / "ev" / "histograms.png").stat().st_size > 1000


def test_evaluate_is_deterministic(manifest, scorer):
    data, skipped = read_manifest(manifest, scorer)
    assert skipped == 0
    a = evaluate(scorer, data, seed=0)
    b = evaluate(scorer, data, seed=0)
    assert a == b
