"""The drop-a-word fault for synthetic sets: re-synthesize the text without one word.

Needs the voice of each row (``engine:name`` in the manifest's voice column) and
the engines themselves (intelliscore.train.synth; espeak always, flite/festival
when installed).
"""

from __future__ import annotations

import random

import numpy as np

from .train.synth import SynthesisError, Voice, synthesize


def drop_word_faults(data) -> tuple[list[np.ndarray], list[int]]:
    rng = random.Random(0)
    waves, idx = [], []
    for i, (text, voice) in enumerate(zip(data.texts, data.voices)):
        words = text.split()
        if ":" not in voice or len(words) < 3:
            continue
        words.pop(rng.randrange(len(words)))
        engine, name = voice.split(":", 1)
        try:
            waves.append(synthesize(" ".join(words), Voice(engine, name)))
            idx.append(i)
        except (SynthesisError, KeyError):
            continue
    return waves, idx
