"""Quality of intelliscore vs the ASR peer on the same files (docs/benchmarks.md).

    python benchmarks/quality.py runs/quality \
        real=runs/base/test-0.csv festival=runs/eval/festival/manifest.csv \
        espeak-heldout=runs/eval/espeak-heldout/manifest.csv [--peer-limit 100]

For each NAME=MANIFEST: intelliscore's protocol sections 1-4 on the whole set
(seed 0); the peer (benchmarks/peer_asr.py in runs/peer-venv) transcribes every
clean file for section 1 (-CER as its score), and the faults of section 4 on the
first --peer-limit files, where intelliscore is measured on the same subset.
Writes OUT/NAME.json and prints Markdown tables.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
PEER_PY = REPO / "runs" / "peer-venv" / "bin" / "python"


def peer(manifest: Path, out: Path, faults: bool) -> dict[tuple[str, str], dict]:
    if not out.exists():
        args = [str(PEER_PY), str(REPO / "benchmarks" / "peer_asr.py"), str(manifest), str(out), "--threads", "2"]
        subprocess.run(args + (["--faults"] if faults else []), check=True)
    return {(r["id"], r["kind"]): r for r in csv.DictReader(out.open())}


def subset_manifest(manifest: Path, n: int, dest: Path) -> Path:
    rows = list(csv.DictReader(manifest.open(encoding="utf-8-sig")))
    with dest.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows[:n]:
            p = Path(r["path"])
            r["path"] = str(p if p.is_absolute() else (manifest.parent / p).resolve())
            w.writerow(r)
    return dest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("sets", nargs="+", help="NAME=MANIFEST")
    ap.add_argument("--peer-limit", type=int, default=100)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    import jiwer

    from intelliscore import Scorer
    from intelliscore.evaluate import derangement, evaluate, read_manifest, roc_auc

    sys.path.insert(0, str(REPO / "benchmarks"))
    from peer_asr import normalise

    scorer = Scorer.load(device="cpu")
    tables = []
    for spec in args.sets:
        name, manifest = spec.split("=", 1)
        manifest = Path(manifest)
        data, skipped = read_manifest(manifest, scorer)
        ours = evaluate(scorer, data, seed=0)
        result = {"name": name, "manifest": str(manifest), "skipped": skipped, "intelliscore": ours}
        if PEER_PY.exists():
            hyps = peer(manifest, args.out / f"{name}-peer-clean.csv", faults=False)
            keep = [i for i, ident in enumerate(data.ids) if (ident, "clean") in hyps]
            texts = [data.texts[i] for i in keep]
            h = [normalise(hyps[(data.ids[i], "clean")]["hypothesis"]) for i in keep]
            perm = derangement(texts, 0)

            def cer(ref: str, hyp: str) -> float:
                return jiwer.cer(normalise(ref), hyp) if hyp else 1.0

            m = np.array([cer(texts[k], h[k]) for k in range(len(keep))])
            mm = np.array([cer(texts[perm[k]], h[k]) for k in range(len(keep))])
            result["peer"] = {"matched_mismatched_auc": roc_auc(-m, -mm), "mean_cer": float(m.mean()),
                              "mean_wer": float(np.mean([float(hyps[(data.ids[i], "clean")]["wer"]) for i in keep])),
                              "seconds_per_utt": float(np.mean([float(hyps[(data.ids[i], "clean")]["seconds"])
                                                                for i in keep]))}
            sub = subset_manifest(manifest, args.peer_limit, args.out / f"{name}-subset.csv")
            sub_data, _ = read_manifest(sub, scorer)
            ours_sub = evaluate(scorer, sub_data, seed=0)
            pf = peer(sub, args.out / f"{name}-peer-faults.csv", faults=True)
            clean = np.array([-cer(t, normalise(hyps.get((i, "clean"), {}).get("hypothesis", "")))
                              for i, t in zip(sub_data.ids, sub_data.texts)])
            per_fault = {}
            for kind in ours_sub["broken_output"]["faults"]:
                if kind in ("overall", "drop_word"):
                    continue
                f = np.array([-float(pf[(i, kind)]["cer"]) for i in sub_data.ids if (i, kind) in pf])
                per_fault[kind] = {"peer_auc": roc_auc(clean, f),
                                   "intelliscore_auc": ours_sub["broken_output"]["faults"][kind]["auc"]}
            allf = np.concatenate([[-float(pf[k]["cer"]) for k in pf if k[1] == kind] for kind in per_fault])
            per_fault["overall"] = {"peer_auc": roc_auc(clean, allf),
                                    "intelliscore_auc": roc_auc(np.array(ours_sub["scores"]["matched"]),
                                                                np.concatenate([ours_sub["scores"][f"fault_{k}"]
                                                                                for k in per_fault]))}
            result["faults_subset"] = {"n": len(sub_data.ids), "faults": per_fault}
        ours.pop("scores")
        (args.out / f"{name}.json").write_text(json.dumps(result, indent=1))
        tables.append(result)
    print(render(tables))


def render(results: list[dict]) -> str:
    lines = ["| set | n | AUC matched/mismatched | top-1 (pool 100) | drop rate 10/20/40% | rel. drop 20% | "
             "noise a=0.75 rel. drop / AUC | broken-output AUC / caught | peer AUC matched/mismatched | peer CER |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        o = r["intelliscore"]
        ps = o["phoneme_sensitivity"]
        nz = o["noise"]["0.75"]
        bo = o["broken_output"]["faults"]["overall"]
        peer = r.get("peer", {})
        lines.append(
            f"| {r['name']} | {o['utterances']} | {o['matched_mismatched']['auc']:.4f} | "
            f"{o['matched_mismatched']['top1_pool100']:.3f} | "
            + "/".join(f"{ps[k]['drop_rate']:.3f}" for k in ("0.1", "0.2", "0.4"))
            + f" | {ps['0.2']['mean_relative_drop']:.3f} | {nz['relative_drop']:.3f} / {nz['auc']:.3f} | "
            f"{bo['auc']:.3f} / {bo['caught']:.3f} | "
            + (f"{peer['matched_mismatched_auc']:.4f} | {peer['mean_cer']:.3f} |" if peer else "- | - |"))
    for r in results:
        if "faults_subset" not in r:
            continue
        lines += ["", f"Broken-output AUC on the first {r['faults_subset']['n']} files of {r['name']}:", "",
                  "| fault | intelliscore | peer (-CER) |", "| --- | --- | --- |"]
        for k, v in r["faults_subset"]["faults"].items():
            lines.append(f"| {k} | {v['intelliscore_auc']:.3f} | {v['peer_auc']:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
