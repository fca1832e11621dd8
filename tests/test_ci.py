"""CI outputs: gates, compare, JUnit XML, GitHub annotations, Markdown, and the HTML report in a real browser."""

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from conftest import run_cli


@pytest.fixture
def report(wav_dir, tmp_path):
    out = tmp_path / "r.csv"
    (wav_dir / "broken.wav").write_bytes(b"garbage")
    csv = wav_dir / "transcripts.csv"
    csv.write_text(csv.read_text() + "broken.wav,Hello there\n")
    res = run_cli("score", str(wav_dir), "-t", str(csv), "-o", str(out), "--quiet")
    assert res.returncode == 3, res.stderr
    return out


def test_junit_is_valid_xml_with_one_case_per_utterance(report, tmp_path):
    junit = tmp_path / "j.xml"
    res = run_cli("report", str(report), "--junit", str(junit), "--fail-under", "-0.5", "--gate-on", "score")
    assert res.returncode == 1  # the unreadable file fails the per-utterance gate
    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuite" and suite.get("tests") == "5"
    assert suite.get("errors") == "1" and len(suite.findall("testcase")) == 5
    assert suite.find("testcase[@name='broken']/error") is not None


def test_github_annotations_and_step_summary(report, tmp_path):
    summary = tmp_path / "summary.md"
    res = run_cli("report", str(report), "--min-mean", "101",
                  env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert res.returncode == 1
    assert "::error file=" in res.stdout and "broken" in res.stdout
    assert "::error title=intelliscore gate::mean calibrated" in res.stdout
    text = summary.read_text()
    assert "## intelliscore" in text and "Gate: FAILED" in text and "| utterances |" in text


def test_markdown_file(report, tmp_path):
    md = tmp_path / "s.md"
    assert run_cli("report", str(report), "--markdown", str(md)).returncode == 0
    assert "Lowest scores" in md.read_text()


def test_compare_reports_and_gate(report, tmp_path):
    df = pd.read_csv(report)
    worse = df.copy()
    worse.loc[worse.id == "utt0", "calibrated"] = worse.loc[worse.id == "utt0", "calibrated"] - 30
    worse_path = tmp_path / "worse.csv"
    worse.to_csv(worse_path, index=False)
    diff = tmp_path / "diff.csv"
    res = run_cli("compare", str(report), str(worse_path), "--max-drop", "10", "--out", str(diff))
    assert res.returncode == 1 and "utt0" in res.stdout and "GATE FAILED" in res.stdout
    d = pd.read_csv(diff).set_index("id")
    assert d.loc["utt0", "change"] == pytest.approx(-30, abs=1e-6)
    assert run_cli("compare", str(report), str(report), "--max-drop", "0.001").returncode == 0
    assert run_cli("compare", str(report), str(tmp_path / "nope.csv")).returncode == 2


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
def test_html_report_renders_in_headless_chromium(report, tmp_path):
    html = tmp_path / "r.html"
    res = run_cli("report", str(report), "--html", str(html), "--words", "2", "--fail-under", "0")
    assert html.exists(), res.stderr
    page = html.read_text()
    assert "<audio" in page and "data:audio" in page and "Lowest scores" in page and "<svg" in page
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", html.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    assert "Lowest scores" in dom and "utt0" in dom
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1000,800", html.as_uri()],
                   capture_output=True, timeout=120)
    from PIL import Image

    img = Image.open(shot).convert("L")
    lo, hi = img.getextrema()
    assert img.size == (1000, 800) and hi - lo > 100  # something was drawn, not a blank page
