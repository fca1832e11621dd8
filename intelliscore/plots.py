"""PNG plots of an evaluation (optional: needs matplotlib, `pip install 'intelliscore[eval]'`)."""

from __future__ import annotations

from pathlib import Path


def write_plots(result: dict, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = result["scores"]
    paths = []
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bins = [x / 50 for x in range(-50, 51)]
    ax.hist(s["matched"], bins=bins, alpha=0.6, label="matched", density=True)
    ax.hist(s["mismatched"], bins=bins, alpha=0.6, label="mismatched", density=True)
    for k in [k for k in s if k.startswith("fault_")]:
        ax.hist(s[k], bins=bins, histtype="step", label=k[6:], density=True)
    ax.set_xlabel("score (cosine)")
    ax.set_ylabel("density")
    ax.legend(fontsize=7)
    ax.set_title("Score distributions")
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
