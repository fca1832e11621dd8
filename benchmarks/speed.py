"""Speed of `intelliscore score` against the read-and-resample floor and the ASR peer.

    python benchmarks/speed.py runs/speed [--files 500] [--peer-files 100]

Makes N files (espeak-ng voices, 22.05 kHz WAV, so resampling is part of the cost),
then measures, whole process, each run on the same files:
- `intelliscore --help` wall time (5 runs, median), and scoring one file (median of 3);
- read + resample only (the floor any scorer pays), 1 and 2 threads, median of 3;
- `intelliscore score` with --threads 1 and 2: a first run, then the median of 3 (warm);
- peak resident memory of the score process;
- the peer (benchmarks/peer_asr.py in runs/peer-venv) on the first --peer-files files.
Prints a Markdown table and writes results.json in the folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make_files(d: Path, n: int) -> float:
    import soundfile as sf
    import soxr

    from intelliscore.train.corpus import random_texts
    from intelliscore.train.synth import ESPEAK_ENGLISH, Voice, synthesize

    d.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    rows, total = ["path,text"], 0.0
    for i, text in enumerate(random_texts(n, 777)):
        x = synthesize(text, Voice("espeak", rng.choice(ESPEAK_ENGLISH), rate=rng.randint(140, 200)))
        sf.write(d / f"{i:05d}.wav", soxr.resample(x, 16000, 22050), 22050, subtype="PCM_16")
        rows.append(f'{i:05d}.wav,"{text.replace(chr(34), "")}"')
        total += len(x) / 16000
    (d / "transcripts.csv").write_text("\n".join(rows) + "\n")
    return total


# A fresh parent per measurement, so RUSAGE_CHILDREN's peak belongs to this one command.
_WRAP = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
         "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
         "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


REPEATS = 3  # floor and warm score runs: the median of this many


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one command."""
    out = subprocess.run([sys.executable, "-c", _WRAP, *cmd], check=True, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}).stdout.split()
    return float(out[0]), int(out[1]) // 1024


FLOOR = """
import sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from intelliscore.audio import load_audio
files = sorted(Path(sys.argv[1]).glob('*.wav'))
with ThreadPoolExecutor(int(sys.argv[2])) as pool:
    n = sum(1 for _ in pool.map(load_audio, files))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--peer-files", type=int, default=100)
    args = ap.parse_args()
    d = args.out / "wavs"
    audio_s = make_files(d, args.files) if not (d / "transcripts.csv").exists() else None
    if audio_s is None:
        import soundfile as sf

        audio_s = sum(sf.info(str(p)).duration for p in d.glob("*.wav"))
    cli = str(Path(sys.executable).with_name("intelliscore"))
    res: dict = {"files": args.files, "audio_seconds": round(audio_s, 1), "cpu": os.cpu_count()}
    res["help_s"] = statistics.median(timed([cli, "--help"])[0] for _ in range(5))
    first = next(csv.DictReader((d / "transcripts.csv").open()))
    res["one_file_s"] = statistics.median(
        timed([cli, "score", str(d / first["path"]), "--text", first["text"], "-o", str(args.out / "one.csv"),
               "--quiet"])[0] for _ in range(REPEATS))
    for threads in (1, 2):
        res[f"floor_{threads}t_s"] = statistics.median(
            timed([sys.executable, "-c", FLOOR, str(d), str(threads)])[0] for _ in range(REPEATS))
        score = [cli, "score", str(d), "-t", str(d / "transcripts.csv"), "-o", str(args.out / f"r{threads}.csv"),
                 "--quiet", "--threads", str(threads)]
        env = {"OMP_NUM_THREADS": str(threads)}
        res[f"score_{threads}t_first_s"], _ = timed(score, env)
        runs = [timed(score, env) for _ in range(REPEATS)]
        res[f"score_{threads}t_warm_s"] = statistics.median(w for w, _ in runs)
        res[f"score_{threads}t_peak_mib"] = max(r for _, r in runs)
    peer_py = REPO / "runs" / "peer-venv" / "bin" / "python"
    if peer_py.exists() and args.peer_files:
        sub = args.out / "peer.csv"
        lines = (d / "transcripts.csv").read_text().splitlines()[: args.peer_files + 1]
        (d / "peer_subset.csv").write_text("\n".join(lines) + "\n")
        for threads in (2,):
            wall, _ = timed([str(peer_py), str(REPO / "benchmarks" / "peer_asr.py"), str(d / "peer_subset.csv"),
                             str(sub), "--threads", str(threads)])
            res[f"peer_{threads}t_s_for_{args.peer_files}"] = wall
    n = args.files
    table = ["| measurement | value |", "| --- | --- |",
             f"| files / audio | {n} files, {audio_s / 60:.1f} min of speech (22.05 kHz WAV) |",
             f"| `intelliscore --help` | {res['help_s']:.2f} s |",
             f"| `intelliscore score` of one file (start, load model, score, write) | {res['one_file_s']:.2f} s |"]
    for t in (1, 2):
        for run in ("first", "warm"):
            w = res[f"score_{t}t_{run}_s"]
            table.append(f"| score, {t} thread(s), {run} | {w:.1f} s, {n / w:.1f} utt/s, RTF {w / audio_s:.4f} |")
        table.append(f"| read + resample only, {t} thread(s) | {res[f'floor_{t}t_s']:.1f} s, "
                     f"{n / res[f'floor_{t}t_s']:.1f} utt/s |")
        table.append(f"| peak RSS, score, {t} thread(s) | {res[f'score_{t}t_peak_mib']} MiB |")
    key = next((k for k in res if k.startswith("peer_")), None)
    if key:
        peer_rate = args.peer_files / res[key]
        ours = n / res["score_2t_warm_s"]
        table.append(f"| peer (faster-whisper tiny.en int8), 2 threads, {args.peer_files} files | "
                     f"{res[key]:.1f} s, {peer_rate:.2f} utt/s |")
        table.append(f"| speed ratio (intelliscore / peer, 2 threads, warm) | {ours / peer_rate:.0f}x |")
        res["speed_ratio"] = ours / peer_rate
    (args.out / "results.json").write_text(json.dumps(res, indent=1))
    print("\n".join(table))


if __name__ == "__main__":
    main()
