"""Shared fixtures: audio is synthesized at test time with the espeak-ng library from espeakng-loader."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from intelliscore.constants import SAMPLE_RATE
from intelliscore.model import default_model_dir
from intelliscore.train.synth import Voice, synthesize

REPO = Path(__file__).resolve().parent.parent

SENTENCES = [
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It is easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
    "The juice of lemons makes fine punch.",
]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    path = default_model_dir()
    assert (path / "model.json").is_file(), f"shipped model missing at {path}"
    return path


@pytest.fixture(scope="session")
def scorer(model_dir):
    from intelliscore import Scorer

    return Scorer.load(model_dir, device="cpu")


def say(path: Path, text: str, voice: str = "en-us", rate: int = 170) -> Path:
    """Synthesize ``text`` into ``path`` (WAV, 16-bit) and return the path."""
    sf.write(path, synthesize(text, Voice("espeak", voice, rate=rate)), SAMPLE_RATE, subtype="PCM_16")
    return path


@pytest.fixture
def wav_dir(tmp_path) -> Path:
    """A folder of four spoken sentences plus transcripts.csv (path,text)."""
    d = tmp_path / "wavs"
    d.mkdir()
    lines = ["path,text"]
    for i, text in enumerate(SENTENCES[:4]):
        say(d / f"utt{i}.wav", text, voice=["en-us", "en-us+f3", "en-gb-x-rp+m3", "en-029+f2"][i])
        lines.append(f'utt{i}.wav,"{text}"')
    (d / "transcripts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return d


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 300):
    """Run the installed CLI in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([CLI, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)


# The console script installed beside this Python: it imports the installed package, as users get it.
CLI = str(Path(sys.executable).with_name("intelliscore"))
