"""Outputs a CI system reads: JUnit XML, GitHub Actions annotations, a Markdown summary.

All take plain report rows (dicts) and a gate result, so they work the same for a
fresh ``score`` run and for ``report``/``compare`` on an existing report.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET


@dataclass
class Gate:
    """Thresholds and what failed them. ``on`` is 'calibrated' or 'score'."""

    on: str = "calibrated"
    fail_under: float | None = None
    min_mean: float | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.fail_under is not None or self.min_mean is not None

    @property
    def passed(self) -> bool:
        return not self.failures

    def row_failure(self, row: dict) -> str | None:
        """Why this row fails the per-utterance gate, or None."""
        if self.fail_under is None:
            return None
        if row.get("status") != "ok":
            return f"not scored: {row.get('error')}"
        value = row.get(self.on)
        if value is not None and value < self.fail_under:
            return f"{self.on} {value:.3f} < {self.fail_under}"
        return None

    def check(self, rows: list[dict]) -> "Gate":
        """Fill ``failures`` from all rows (used on finished reports)."""
        self.failures = [f"{r['id']}: {why}" for r in rows if (why := self.row_failure(r))]
        values = [r[self.on] for r in rows if r.get("status") == "ok" and r.get(self.on) is not None]
        if self.min_mean is not None:
            mean = sum(values) / len(values) if values else None
            if mean is None or mean < self.min_mean:
                self.failures.append(f"mean {self.on} {mean if mean is None else round(mean, 3)} < {self.min_mean}")
        return self


def write_junit(rows: list[dict], gate: Gate, path: Path, suite: str = "intelliscore") -> None:
    """One test case per utterance: failure when it fails the gate, error when it was not scored."""
    suite_el = ET.Element("testsuite", name=suite, tests=str(len(rows)))
    failures = errors = 0
    for r in rows:
        case = ET.SubElement(suite_el, "testcase", classname=suite, name=str(r["id"]))
        case.set("file", str(r.get("path") or ""))
        if r.get("status") != "ok":
            errors += 1
            ET.SubElement(case, "error", message=str(r.get("error"))).text = str(r.get("text"))
        elif (why := gate.row_failure(r)) is not None:
            failures += 1
            ET.SubElement(case, "failure", message=why).text = f"text: {r.get('text')}\nphonemes: {r.get('phonemes')}"
        else:
            ET.SubElement(case, "system-out").text = f"score {r.get('score')} calibrated {r.get('calibrated')}"
    suite_el.set("failures", str(failures))
    suite_el.set("errors", str(errors))
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(ET.Element("testsuites")).getroot().append(suite_el)
    tree = ET.ElementTree(suite_el)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def github_annotations(rows: list[dict], gate: Gate) -> list[str]:
    """``::error``/``::warning`` workflow commands for rows that were not scored or failed the gate."""
    out = []
    for r in rows:
        esc = lambda s: str(s).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")  # noqa: E731
        if r.get("status") != "ok":
            out.append(f"::error file={esc(r.get('path') or r['id'])},title=intelliscore::{esc(r['id'])}: {esc(r['error'])}")
        elif (why := gate.row_failure(r)) is not None:
            out.append(f"::error file={esc(r.get('path') or r['id'])},title=intelliscore gate::{esc(r['id'])}: {esc(why)}")
    for f in gate.failures:
        if f.startswith("mean "):
            out.append(f"::error title=intelliscore gate::{f}")
    return out


def markdown_summary(stats: dict, worst: list[dict], gate: Gate, model: str) -> str:
    """A short Markdown report for $GITHUB_STEP_SUMMARY or a pull-request comment."""
    lines = [f"## intelliscore ({model})", ""]
    if gate.active:
        lines += [f"**Gate: {'passed' if gate.passed else 'FAILED'}** "
                  f"(on {gate.on}; fail-under {gate.fail_under}, min-mean {gate.min_mean})", ""]
    lines += ["| utterances | scored | failed | mean | median | min |", "| --- | --- | --- | --- | --- | --- |",
              "| " + " | ".join("-" if stats[k] is None else str(stats[k])
                                for k in ("count", "scored", "failed", "mean", "median", "min")) + " |", ""]
    if worst:
        lines += ["Lowest scores:", "", "| id | score | calibrated | text |", "| --- | --- | --- | --- |"]
        lines += [f"| {w['id']} | {w['score']:.3f} | {w['calibrated']:.1f} | {html.escape(str(w['text']))} |"
                  for w in worst]
        lines.append("")
    if gate.failures:
        lines += ["Gate failures:", ""] + [f"- {f}" for f in gate.failures[:50]] + [""]
    return "\n".join(lines)


def publish(rows: list[dict], stats: dict, worst: list[dict], gate: Gate, model: str,
            junit: Path | None = None, markdown: Path | None = None, echo=print) -> None:
    """Write the requested CI outputs; on GitHub Actions also annotate and fill the step summary."""
    if junit:
        write_junit(rows, gate, junit)
    md = markdown_summary(stats, worst, gate, model)
    if markdown:
        markdown.write_text(md, encoding="utf-8")
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in github_annotations(rows, gate):
            echo(line)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(md + "\n")
