"""One self-contained HTML file: score distribution, gate result, worst utterances with audio.

No network: styles inline, the histogram is inline SVG, and audio is embedded as
data URIs (only for the worst utterances, so the file stays small).
"""

from __future__ import annotations

import base64
import html
import mimetypes
from pathlib import Path

MAX_EMBED_BYTES = 3_000_000


def _histogram_svg(values: list[float], lo: float, hi: float, bins: int = 40, width: int = 640,
                   height: int = 160) -> str:
    counts = [0] * bins
    for v in values:
        i = min(bins - 1, max(0, int((v - lo) / (hi - lo) * bins)))
        counts[i] += 1
    top = max(counts) or 1
    bw = width / bins
    bars = "".join(
        f'<rect x="{i * bw:.1f}" y="{height - c / top * (height - 20):.1f}" width="{bw - 1:.1f}" '
        f'height="{c / top * (height - 20):.1f}" fill="#4a7bd0"><title>{lo + i * (hi - lo) / bins:.2f}: {c}</title></rect>'
        for i, c in enumerate(counts))
    axis = (f'<text x="0" y="{height + 14}" font-size="11">{lo:g}</text>'
            f'<text x="{width - 20}" y="{height + 14}" font-size="11">{hi:g}</text>')
    return f'<svg width="{width}" height="{height + 18}" role="img" aria-label="score histogram">{bars}{axis}</svg>'


def _audio_tag(path: str) -> str:
    p = Path(path)
    if not path or not p.is_file() or p.stat().st_size > MAX_EMBED_BYTES:
        return "<em>audio not embedded</em>"
    mime = mimetypes.guess_type(p.name)[0] or "audio/wav"
    data = base64.b64encode(p.read_bytes()).decode()
    return f'<audio controls preload="none" src="data:{mime};base64,{data}"></audio>'


def render(rows: list[dict], stats: dict, gate, title: str, worst_n: int = 20,
           weak_words: dict[str, list[tuple[str, float]]] | None = None) -> str:
    """The HTML text for a report's rows."""
    esc = html.escape
    scored = [r for r in rows if r.get("status") == "ok"]
    worst = sorted(scored, key=lambda r: r["score"])[:worst_n]
    errors = [r for r in rows if r.get("status") != "ok"]
    if gate is not None and gate.active:
        verdict = ("<p class='pass'>Gate passed</p>" if gate.passed else
                   f"<p class='fail'>Gate FAILED ({len(gate.failures)})</p><ul>" +
                   "".join(f"<li>{esc(f)}</li>" for f in gate.failures[:50]) + "</ul>")
    else:
        verdict = "<p>No gate set.</p>"
    stat_cells = "".join(f"<td>{esc(str(stats[k]))}</td>" for k in ("count", "scored", "failed", "mean", "median", "min"))
    worst_rows = []
    for r in worst:
        words = ""
        if weak_words and r["id"] in weak_words:
            weakest = sorted(weak_words[r["id"]], key=lambda w: w[1])[:3]
            words = ", ".join(f"<b>{esc(w)}</b> ({c:+.3f})" for w, c in weakest)
        worst_rows.append(
            f"<tr><td>{esc(str(r['id']))}</td><td>{r['score']:.3f}</td><td>{r['calibrated']:.1f}</td>"
            f"<td>{esc(str(r['text']))}<div class='ph'>{esc(str(r.get('phonemes') or ''))}</div></td>"
            f"<td>{words}</td><td>{_audio_tag(str(r.get('path') or ''))}</td></tr>")
    error_rows = "".join(f"<tr><td>{esc(str(r['id']))}</td><td>{esc(str(r.get('error')))}</td></tr>"
                         for r in errors[:200])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
td, th {{ border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; text-align: left; }}
.ph {{ color: #666; font-size: 85%; font-family: monospace; }}
.pass {{ color: #176e2a; font-weight: bold; }} .fail {{ color: #b00020; font-weight: bold; }}
</style></head><body>
<h1>{esc(title)}</h1>
<h2>Gate</h2>{verdict}
<h2>Summary</h2>
<table><tr><th>utterances</th><th>scored</th><th>failed</th><th>mean</th><th>median</th><th>min</th></tr>
<tr>{stat_cells}</tr></table>
<h2>Score distribution (raw cosine)</h2>
{_histogram_svg([r["score"] for r in scored], -1.0, 1.0)}
<h2>Lowest scores</h2>
<table><tr><th>id</th><th>score</th><th>calibrated</th><th>text / phonemes</th><th>weakest words</th><th>audio</th></tr>
{''.join(worst_rows)}</table>
<h2>Not scored ({len(errors)})</h2>
<table><tr><th>id</th><th>error</th></tr>{error_rows}</table>
</body></html>
"""
