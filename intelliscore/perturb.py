"""Near-miss transcripts made from the true one.

Used by training (hard negatives) and by evaluation (the SCRAPS phoneme
sensitivity protocol), so both agree on what "one phoneme wrong" means.
"""

from __future__ import annotations

import random
from typing import Sequence

from .constants import WORD_BOUNDARY


def substitute(phones: Sequence[str], rate: float, inventory: Sequence[str], rng: random.Random) -> list[str]:
    """Replace round(rate * L) phonemes, chosen without replacement, with a different phoneme.

    Word boundaries are not phonemes: they are neither counted nor replaced.
    ``inventory`` lists the real phonemes to draw from.
    """
    out = list(phones)
    positions = [i for i, p in enumerate(out) if p != WORD_BOUNDARY]
    k = round(rate * len(positions))
    for i in rng.sample(positions, min(k, len(positions))):
        out[i] = rng.choice([p for p in inventory if p != out[i]])
    return out


def _words(phones: Sequence[str]) -> list[list[str]]:
    words: list[list[str]] = [[]]
    for p in phones:
        if p == WORD_BOUNDARY:
            words.append([])
        else:
            words[-1].append(p)
    return [w for w in words if w]


def _join(words: list[list[str]]) -> list[str]:
    out: list[str] = []
    for w in words:
        if out:
            out.append(WORD_BOUNDARY)
        out.extend(w)
    return out


def hard_negative(phones: Sequence[str], inventory: Sequence[str], rng: random.Random) -> list[str]:
    """One random near-miss: substituted, deleted or inserted phonemes, or a dropped/swapped word.

    Always differs from ``phones`` (falls back to substitution when needed).
    """
    words = _words(phones)
    kind = rng.choice(["substitute", "substitute", "delete", "insert", "drop_word", "swap_words", "repeat_word"])
    out: list[str] = list(phones)
    if kind == "delete":
        idx = [i for i, p in enumerate(out) if p != WORD_BOUNDARY]
        drop = set(rng.sample(idx, max(1, min(len(idx) - 1, round(rng.uniform(0.1, 0.3) * len(idx))))))
        out = _join(_words([p for i, p in enumerate(out) if i not in drop]))
    elif kind == "insert":
        for _ in range(max(1, round(rng.uniform(0.1, 0.3) * len(out)))):
            out.insert(rng.randrange(len(out) + 1), rng.choice(inventory))
        out = _join(_words(out))
    elif kind == "drop_word" and len(words) > 1:
        words.pop(rng.randrange(len(words)))
        out = _join(words)
    elif kind == "swap_words" and len(words) > 1:
        i, j = rng.sample(range(len(words)), 2)
        words[i], words[j] = words[j], words[i]
        out = _join(words)
    elif kind == "repeat_word":
        i = rng.randrange(len(words))
        words.insert(i, list(words[i]))
        out = _join(words)
    if out == list(phones) or not out:
        out = substitute(phones, rng.uniform(0.1, 0.4), inventory, rng)
    return out
