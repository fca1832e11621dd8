"""Build the synthetic evaluation sets of docs/benchmarks.md (not part of the package).

    python benchmarks/make_eval_sets.py runs/eval

Writes, each with a manifest.csv (path,text,voice):
- festival/: Festival voices (kal_diphone, cmu_us_slt_arctic_hts), an engine never used in training;
- espeak-heldout/: espeak-ng variants held out of training (corpus.HELDOUT_ESPEAK_VARIANTS).
Texts come from a seed no training run uses. Needs Debian's festival, festvox-kallpc16k
and festvox-us-slt-hts for the first set.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

import soundfile as sf

from intelliscore.constants import SAMPLE_RATE
from intelliscore.train.corpus import ESPEAK_ENGLISH, HELDOUT_ESPEAK_VARIANTS, random_texts
from intelliscore.train.synth import SynthesisError, Voice, engine_available, synthesize

N = 300
TEXT_SEED = 424242


def build(out: Path, name: str, voices: list[Voice], texts: list[str]) -> None:
    d = out / name
    d.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, text in enumerate(texts):
        voice = voices[i % len(voices)]
        try:
            sf.write(d / f"{i:04d}.wav", synthesize(text, voice), SAMPLE_RATE, subtype="PCM_16")
        except SynthesisError as exc:
            print(f"skip {i}: {exc}", file=sys.stderr)
            continue
        rows.append([f"{i:04d}.wav", text, f"{voice.engine}:{voice.name}"])
    with (d / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "text", "voice"])
        w.writerows(rows)
    print(f"{d / 'manifest.csv'}: {len(rows)} utterances")


def main(out: Path) -> None:
    texts = [t for t in random_texts(3 * N, TEXT_SEED) if len(t.split()) >= 3][: 2 * N]
    if engine_available("festival"):
        build(out, "festival", [Voice("festival", "kal_diphone"), Voice("festival", "cmu_us_slt_arctic_hts")],
              texts[:N])
    rng = random.Random(TEXT_SEED)
    held = [Voice("espeak", f"{rng.choice(ESPEAK_ENGLISH)}+{v}") for v in HELDOUT_ESPEAK_VARIANTS for _ in range(3)]
    build(out, "espeak-heldout", held, texts[N:])


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "runs/eval"))
