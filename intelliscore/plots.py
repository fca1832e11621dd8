"""PNG plots of an evaluation (optional: needs matplotlib, `pip install 'intelliscore[eval]'`)."""

from __future__ import annotations

from pathlib import Path

from .evaluate import REFUSED_SCORE


def write_plots(result: dict, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = result["scores"]
    paths = []
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5), sharex=True)
    bins = [x / 50 for x in range(-50, 51)]
    for ax in (left, right):
        ax.hist(s["matched"], bins=bins, alpha=0.6, label="matched", density=True)
        ax.set_xlabel("score (cosine)")
        ax.set_ylabel("density")
    left.hist(s["mismatched"], bins=bins, alpha=0.6, label="mismatched", density=True)
    left.set_title("Right text vs another text")
    for k in [k for k in s if k.startswith("fault_")]:
        scored = [v for v in s[k] if v != REFUSED_SCORE]  # refused audio (e.g. digital silence) has no cosine
        refused = len(s[k]) - len(scored)
        label = k[6:] + (f" ({refused} refused)" if refused else "")
        if scored:
            right.hist(scored, bins=bins, histtype="step", linewidth=1.5, label=label, density=True)
        else:
            right.plot([], [], label=label)
    right.set_title("Clean vs broken output (same text)")
    left.legend(fontsize=8)
    right.legend(fontsize=7)
    paths.append(out / "histograms.png")
    fig.tight_layout()
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.5))
    alphas = [0.0] + [float(a) for a in result["noise"]]
    a1.plot(alphas, [0.0] + [v["relative_drop"] for v in result["noise"].values()], "o-", label="relative drop")
    a1.plot(alphas[1:], [v["auc"] for v in result["noise"].values()], "s-", label="AUC")
    a1.set_xlabel("noise alpha")
    a1.legend()
    a1.set_title("Noise robustness")
    rates = [float(r) for r in result["phoneme_sensitivity"]]
    a2.plot(rates, [v["drop_rate"] for v in result["phoneme_sensitivity"].values()], "o-")
    a2.set_xlabel("phoneme substitution rate")
    a2.set_ylabel("drop rate")
    a2.set_ylim(0, 1.02)
    a2.set_title("Phoneme sensitivity")
    paths.append(out / "noise_and_sensitivity.png")
    fig.tight_layout()
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)
    return paths
