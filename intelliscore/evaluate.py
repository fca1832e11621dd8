"""The evaluation protocol (sections 1-4, described in docs/benchmarks.md) on any ``path,text`` manifest.

Deterministic for a given seed. Audio that the scorer refuses (for example the
digital-silence fault) counts as the lowest possible score, -1: a CI gate
would fail it too.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .api import Scorer
from .audio import AudioError, check_waveform, load_audio
from .constants import SAMPLE_RATE

REFUSED_SCORE = -1.0  # what audio the scorer refuses (e.g. digital silence) scores here: the worst cosine
from .perturb import substitute
from .phonemes import PhonemizeError

RATES = (0.1, 0.2, 0.4)
ALPHAS = (0.25, 0.5, 0.75)
FAULTS = ("truncate_50", "middle_silence_30", "drop_word", "speed_1.5", "speed_0.6", "other_audio",
          "noise_0db", "digital_silence")


def roc_auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(positive scores above negative), ties counted half (Mann-Whitney U)."""
    pos, neg = np.asarray(pos, float), np.asarray(neg, float)
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    sorted_v = allv[order]
    i = 0
    while i < len(allv):  # average ranks over ties
        j = i
        while j + 1 < len(allv) and sorted_v[j + 1] == sorted_v[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def derangement(texts: list[str], seed: int) -> list[int]:
    """π with π(i) != i and texts[π(i)] != texts[i] (random, seeded)."""
    if len(set(texts)) < 2:
        raise ValueError("need at least two different texts to build mismatched pairs")
    rng = np.random.default_rng(seed)
    n = len(texts)
    for _ in range(1000):
        perm = rng.permutation(n)
        bad = [i for i in range(n) if perm[i] == i or texts[perm[i]] == texts[i]]
        for i in bad:  # repair the few collisions by swapping with a random valid partner
            for _ in range(100):
                j = int(rng.integers(n))
                if texts[perm[j]] != texts[i] and texts[perm[i]] != texts[j] and perm[j] != i and perm[i] != j:
                    perm[i], perm[j] = perm[j], perm[i]
                    break
        if all(perm[i] != i and texts[perm[i]] != texts[i] for i in range(n)):
            return [int(p) for p in perm]
    raise ValueError("cannot pair every utterance with a different text: one text dominates the set")


@dataclass
class EvalSet:
    ids: list[str]
    texts: list[str]
    phones: list[list[str]]
    waves: list[np.ndarray]
    voices: list[str]


def read_manifest(path: Path, scorer: Scorer, limit: int | None = None) -> tuple[EvalSet, int]:
    """Load a ``path,text[,voice]`` manifest; returns the set and how many rows were skipped."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    if limit:
        rows = rows[:limit]
    s = EvalSet([], [], [], [], [])
    skipped = 0
    for r in rows:
        p = Path(r["path"])
        p = p if p.is_absolute() else path.parent / p
        try:
            wave = load_audio(p)
            phones = scorer.phonemes(r["text"])
        except (AudioError, PhonemizeError):
            skipped += 1
            continue
        s.ids.append(p.stem)
        s.texts.append(r["text"])
        s.phones.append(phones)
        s.waves.append(wave)
        s.voices.append(r.get("voice") or r.get("speaker") or "")
    return s, skipped


def _audio_scores(scorer: Scorer, waves: list[np.ndarray], text_emb: np.ndarray) -> np.ndarray:
    """Score each wave against its row of text_emb; refused audio scores -1."""
    out = np.full(len(waves), REFUSED_SCORE)
    ok = []
    for i, w in enumerate(waves):
        try:
            check_waveform(w)
            ok.append(i)
        except AudioError:
            pass
    if ok:
        a = scorer.embed_audio([waves[i] for i in ok])
        out[ok] = np.sum(a * text_emb[ok], axis=1)
    return out


def _speed(x: np.ndarray, factor: float) -> np.ndarray:
    import soxr

    return soxr.resample(x, SAMPLE_RATE * factor, SAMPLE_RATE).astype(np.float32)


def make_fault(kind: str, x: np.ndarray, other: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(x)
    if kind == "truncate_50":
        return x[: n // 2]
    if kind == "middle_silence_30":
        y = x.copy()
        a = int(n * 0.35)
        y[a : a + int(n * 0.3)] = 0
        return y
    if kind == "speed_1.5":
        return _speed(x, 1.5)
    if kind == "speed_0.6":
        return _speed(x, 0.6)
    if kind == "other_audio":
        return other
    if kind == "noise_0db":
        return (x + x.std() * rng.standard_normal(n)).astype(np.float32)
    if kind == "digital_silence":
        return np.zeros(n, np.float32)
    raise ValueError(kind)


def evaluate(scorer: Scorer, data: EvalSet, seed: int = 0, synth_drop_word: Callable | None = None,
             say: Callable[[str], None] = lambda s: None) -> dict:
    """Run sections 1-4; returns a JSON-ready dict (with raw score arrays under 'scores')."""
    n = len(data.texts)
    if n < 3:
        raise ValueError("need at least 3 readable utterances with different texts")
    text_emb = scorer.embed_phones(data.phones)
    audio_emb = scorer.embed_audio(data.waves)
    matched = np.sum(audio_emb * text_emb, axis=1)
    result: dict = {"utterances": n, "seed": seed, "model": scorer.model.name}
    scores: dict = {"matched": matched.tolist()}

    say("1. matched vs mismatched")
    perm = derangement(data.texts, seed)
    mismatched = np.sum(audio_emb * text_emb[perm], axis=1)
    scores["mismatched"] = mismatched.tolist()
    sims = audio_emb @ text_emb.T
    pools = [list(range(s, min(s + 100, n))) for s in range(0, n, 100)]
    pools = [p for p in pools if len(p) >= min(100, n)]
    acc = []
    for p in pools:
        sub = sims[np.ix_(p, p)]
        keys = [data.texts[i] for i in p]
        hits = [keys[int(sub[k].argmax())] == keys[k] for k in range(len(p))]  # a duplicate text is a hit
        acc.append(float(np.mean(hits)))
    result["matched_mismatched"] = {"auc": roc_auc(matched, mismatched), "top1_pool100": float(np.mean(acc)),
                                    "pool_size": len(pools[0]), "pools": len(pools),
                                    "matched_mean": float(matched.mean()), "mismatched_mean": float(mismatched.mean())}

    say("2. phoneme sensitivity")
    inventory = scorer.model.inventory.phonemes
    sens = {}
    for rate in RATES:
        drops, rels = [], []
        for s in (0, 1, 2):
            rng = random.Random(s)
            pert = [substitute(p, rate, inventory, rng) for p in data.phones]
            sp = np.sum(audio_emb * scorer.embed_phones(pert), axis=1)
            drops.append(float(np.mean(sp < matched)))
            pos = matched > 0
            if pos.any():
                rels.append(float(np.mean((matched[pos] - sp[pos]) / matched[pos])))
            if s == 0:
                scores[f"substituted_{rate}"] = sp.tolist()
        sens[str(rate)] = {"drop_rate": float(np.mean(drops)),
                           "mean_relative_drop": float(np.mean(rels)) if rels else None}
    result["phoneme_sensitivity"] = sens

    say("3. noise robustness")
    noise = {}
    rng = np.random.default_rng(seed)
    noises = [rng.standard_normal(len(w)).astype(np.float32) for w in data.waves]
    for alpha in ALPHAS:
        noisy = [((1 - alpha) * w + alpha * w.std() * nz).astype(np.float32) for w, nz in zip(data.waves, noises)]
        a = scorer.embed_audio(noisy)
        m = np.sum(a * text_emb, axis=1)
        mm = np.sum(a * text_emb[perm], axis=1)
        noise[str(alpha)] = {"relative_drop": float(1 - m.mean() / matched.mean()), "auc": roc_auc(m, mm)}
        scores[f"noise_{alpha}"] = m.tolist()
    result["noise"] = noise

    say("4. broken-output detection")
    rng = np.random.default_rng(seed)
    threshold = float(np.quantile(matched, 0.01))  # passes >= 99% of clean utterances
    faults = {}
    all_faulty = []
    for kind in FAULTS:
        if kind == "drop_word":
            if synth_drop_word is None:
                continue
            waves, idx = synth_drop_word(data)
        else:
            idx = list(range(n))
            waves = [make_fault(kind, data.waves[i], data.waves[perm[i]], rng) for i in idx]
        if not idx:
            continue
        f = _audio_scores(scorer, waves, text_emb[idx])
        scores[f"fault_{kind}"] = f.tolist()
        all_faulty.append(f)
        faults[kind] = {"auc": roc_auc(matched, f), "caught": float(np.mean(f < threshold)), "n": len(idx)}
    faulty = np.concatenate(all_faulty)
    faults["overall"] = {"auc": roc_auc(matched, faulty), "caught": float(np.mean(faulty < threshold)),
                         "n": len(faulty)}
    result["broken_output"] = {"threshold_score": threshold, "faults": faults}
    result["scores"] = scores
    return result
