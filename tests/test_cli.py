"""The CLI as users run it: subprocesses, real synthesized audio, every output format and exit code."""

import json
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import soundfile as sf

from conftest import CLI, SENTENCES, run_cli, say


def test_score_folder_with_csv_writes_report(wav_dir, tmp_path):
    out = tmp_path / "report.csv"
    res = run_cli("score", str(wav_dir), "--text", str(wav_dir / "transcripts.csv"), "--out", str(out))
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(out)
    assert list(df.columns[:9]) == ["id", "path", "text", "phonemes", "duration_s", "score", "calibrated",
                                    "status", "error"]
    assert len(df) == 4 and (df.status == "ok").all()
    assert df.score.between(-1, 1).all() and df.calibrated.between(0, 100).all()
    assert "|" in df.phonemes[0]
    assert "utterances" in res.stdout and "report:" in res.stdout


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_other_output_formats(wav_dir, tmp_path, suffix):
    out = tmp_path / f"report{suffix}"
    res = run_cli("score", str(wav_dir), "-t", str(wav_dir / "transcripts.csv"), "-o", str(out), "--quiet")
    assert res.returncode == 0, res.stderr
    df = pd.read_json(out, lines=True) if suffix == ".jsonl" else pd.read_parquet(out)
    assert len(df) == 4 and (df.status == "ok").all()


def test_json_to_stdout(wav_dir, tmp_path):
    res = run_cli("score", str(wav_dir), "-t", str(wav_dir / "transcripts.csv"), "-o", str(tmp_path / "r.csv"),
                  "--json", "--quiet")
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 4 and all(r["status"] == "ok" for r in rows)


def test_single_file_with_literal_text(wav_dir, tmp_path):
    res = run_cli("score", str(wav_dir / "utt0.wav"), "--text", SENTENCES[0], "-o", str(tmp_path / "r.jsonl"),
                  "--json", "--quiet")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["text"] == SENTENCES[0]


def test_bad_inputs_get_error_rows_and_the_rest_is_scored(wav_dir, tmp_path):
    sf.write(wav_dir / "silent.wav", [0.0] * 16000, 16000)
    (wav_dir / "corrupt.wav").write_bytes(b"not audio at all")
    (wav_dir / "notext.wav").write_bytes((wav_dir / "utt0.wav").read_bytes())
    csv = wav_dir / "transcripts.csv"
    csv.write_text(csv.read_text() + "silent.wav,Hello\ncorrupt.wav,Hello\nmissing.wav,Hello\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    res = run_cli("score", str(wav_dir), "-t", str(csv), "-o", str(out))
    assert res.returncode == 3, res.stderr  # some rows are errors
    df = pd.read_csv(out, keep_default_na=False).set_index("id")
    assert (df.loc[[f"utt{i}" for i in range(4)], "status"] == "ok").all()
    assert "silent" in df.loc["silent", "error"]
    assert "cannot read corrupt.wav" in df.loc["corrupt", "error"]
    assert "not found" in df.loc["missing", "error"]
    assert "no transcript" in df.loc["notext", "error"]
    assert "error" in res.stderr and "corrupt" in res.stderr


def test_usage_errors_exit_2(wav_dir, tmp_path):
    assert run_cli("score", str(tmp_path / "nothing")).returncode == 2
    assert run_cli("score", str(wav_dir), "-t", "missing.csv").returncode == 2
    assert run_cli("score", str(wav_dir), "-t", str(wav_dir / "transcripts.csv"), "-o", "r.xlsx").returncode == 2
    res = run_cli("score", str(wav_dir), "-t", str(wav_dir / "transcripts.csv"), "--model", str(tmp_path))
    assert res.returncode == 2 and "no model" in res.stderr


def test_gates_exit_1_when_failed(wav_dir, tmp_path):
    args = ["score", str(wav_dir), "-t", str(wav_dir / "transcripts.csv"), "-o", str(tmp_path / "r.csv")]
    assert run_cli(*args, "--fail-under", "-1", "--gate-on", "score").returncode == 0
    res = run_cli(*args, "--fail-under", "1.01", "--gate-on", "score")
    assert res.returncode == 1 and "GATE FAILED" in res.stdout
    assert run_cli(*args, "--min-mean", "101").returncode == 1


def test_resume_skips_scored_rows(wav_dir, tmp_path):
    out = tmp_path / "r.csv"
    csv = wav_dir / "transcripts.csv"
    first = csv.read_text().splitlines()[:3]  # header + 2 rows
    part = wav_dir / "part.csv"
    part.write_text("\n".join(first) + "\n")
    run_cli("score", "-t", str(part), "-o", str(out), "--quiet")
    assert len(pd.read_csv(out)) == 2
    before = pd.read_csv(out).set_index("id").score
    res = run_cli("score", str(wav_dir), "-t", str(csv), "-o", str(out), "--resume", "--quiet")
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(out).set_index("id")
    assert len(df) == 4 and df.loc[before.index, "score"].tolist() == before.tolist()


def test_interrupt_leaves_a_valid_partial_report(tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    say(d / "base.wav", SENTENCES[0])
    data = (d / "base.wav").read_bytes()
    lines = ["id,text"]
    for i in range(1500):
        (d / f"u{i:04d}.wav").write_bytes(data)
        lines.append(f"u{i:04d},{SENTENCES[0]}")
    (d / "base.wav").unlink()
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n")
    out = tmp_path / "r.csv"
    proc = subprocess.Popen([CLI, "score", str(d), "-t", str(tmp_path / "t.csv"),
                             "-o", str(out), "--quiet", "--batch-size", "4"], stderr=subprocess.PIPE, text=True,
                            # a shell without job control starts background jobs with SIGINT ignored, and
                            # Python then never raises KeyboardInterrupt: give the child the default action
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 20):
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "--resume" in err
    partial = pd.read_csv(out)
    assert 19 <= len(partial) < 1500 and (partial.status == "ok").all()


def test_scoring_never_imports_torch(wav_dir, tmp_path):
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['intelliscore', 'score', {str(wav_dir)!r}, '-t', {str(wav_dir / 'transcripts.csv')!r},"
        f" '-o', {str(tmp_path / 'r.csv')!r}, '--quiet']\n"
        "try:\n    runpy.run_module('intelliscore.cli', run_name='__main__')\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "print('torch-free')\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "torch-free" in res.stdout, res.stderr


def test_info_reports_the_provider_used():
    res = run_cli("info", "--json")
    assert res.returncode == 0, res.stderr
    facts = json.loads(res.stdout)
    assert facts["provider_used"] == "CPUExecutionProvider"  # CI has no GPU
    assert facts["provider_used"] in facts["providers_available"]
    assert facts["phonemes"] > 30


def test_phonemize_command():
    res = run_cli("phonemize", "Hello world")
    assert res.returncode == 0 and res.stdout.strip() == "h ə l oʊ | w ɜː l d"
    assert run_cli("phonemize", "  ").returncode == 2


def test_help_teaches():
    res = run_cli("score", "--help")
    assert "Exit codes" in res.stdout and "--fail-under" in res.stdout


def test_installed_package_finds_its_model(tmp_path):
    res = run_cli("info", "--json", cwd=tmp_path)  # away from the checkout
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["model"].endswith("intelliscore-base")
