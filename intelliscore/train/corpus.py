"""Training corpora: the built-in synthetic generator and readers for real speech.

Every source becomes a list of ``Utterance(path, text, speaker, source)``; the
synthetic generator writes FLAC files plus a ``manifest.csv`` so a corpus is
built once and reused by ``--resume``. No torch here.
"""

from __future__ import annotations

import csv
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .synth import ESPEAK_ENGLISH, SynthesisError, Voice, engine_available, espeak_variants, synthesize

# Voices kept out of training so that evaluation hears something new.
HELDOUT_ESPEAK_VARIANTS = ("Annie", "klatt4", "m7", "f5", "Andy")
TRAIN_ENGINES = ("espeak", "flite")  # never festival: it is the out-of-domain test engine
FLITE_VOICES = ("slt", "kal16", "awb", "rms", "kal")


@dataclass(frozen=True)
class Utterance:
    path: str
    text: str
    speaker: str
    source: str


# ---------------------------------------------------------------- text
def random_texts(n: int, seed: int) -> list[str]:
    """Varied English from Faker's word lists: sentences, word salad, names, numbers, dates."""
    from faker import Faker
    from faker.providers.lorem.en_US import Provider

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(f"texts-{seed}")  # a stream apart from Faker's own
    words = Provider.word_list
    makers = [
        lambda: fake.sentence(nb_words=rng.randint(3, 14)),
        lambda: " ".join(rng.choices(words, k=rng.randint(1, 10))),
        lambda: fake.name() + " " + rng.choice(["called", "lives at", "works as"]) + " "
        + rng.choice([fake.street_address(), fake.job(), fake.city()]),
        lambda: rng.choice([fake.phone_number(), fake.date(), str(rng.randint(0, 10**rng.randint(1, 7))),
                            " ".join(str(rng.randint(0, 9)) for _ in range(rng.randint(2, 6)))]),
        lambda: fake.catch_phrase() + ", " + fake.bs() + ".",
        lambda: fake.text(max_nb_chars=rng.randint(40, 140)).replace("\n", " "),
    ]
    weights = [4, 3, 1, 1, 1, 2]
    return [rng.choices(makers, weights)[0]() for _ in range(n)]


def random_voice(rng: random.Random, engines: tuple[str, ...]) -> Voice:
    engine = rng.choice(engines)
    if engine == "flite":
        return Voice("flite", rng.choice(FLITE_VOICES))
    variants = [v for v in espeak_variants() if v not in HELDOUT_ESPEAK_VARIANTS]
    name = rng.choice(ESPEAK_ENGLISH)
    if rng.random() < 0.8:
        name += "+" + rng.choice(variants)
    return Voice("espeak", name, rate=rng.randint(120, 260), pitch=rng.randint(20, 85),
                 pitch_range=rng.randint(20, 90))


def _synth_one(job: tuple[int, str, Voice, str]) -> tuple[int, str | None]:
    import soundfile as sf

    i, text, voice, out = job
    try:
        sf.write(out, synthesize(text, voice), 16_000, format="FLAC")
        return i, None
    except (SynthesisError, OSError) as exc:
        return i, str(exc)


def build_synthetic(out_dir: Path, n: int, seed: int, engines: tuple[str, ...] = TRAIN_ENGINES,
                    workers: int = 2, progress=None) -> Path:
    """Synthesize ``n`` utterances into ``out_dir`` and return its manifest (reused if complete)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / "manifest.csv"
    if manifest.exists() and sum(1 for _ in manifest.open()) - 1 >= n:
        return manifest
    usable = tuple(e for e in engines if engine_available(e))
    rng = random.Random(seed)
    texts = random_texts(n, seed)
    jobs = []
    for i, text in enumerate(texts):
        voice = random_voice(rng, usable)
        jobs.append((i, text, voice, str(out_dir / f"{i:06d}.flac")))
    rows = []
    with ProcessPoolExecutor(workers) as pool:
        for i, err in pool.map(_synth_one, jobs, chunksize=32):
            if progress:
                progress()
            if err is None:
                _, text, voice, path = jobs[i]
                rows.append([Path(path).name, text, f"{voice.engine}:{voice.name}", voice.engine])
    with manifest.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "text", "speaker", "engine"])
        w.writerows(rows)
    return manifest


# ---------------------------------------------------------------- real speech
def read_csv_manifest(path: Path, source: str | None = None) -> list[Utterance]:
    """``path,text[,speaker]`` CSV; relative paths are relative to the CSV's folder."""
    base = path.parent
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    return [Utterance(str(base / r["path"]), r["text"], r.get("speaker") or "", source or path.parent.name)
            for r in rows if r.get("path") and (r.get("text") or "").strip()]


def read_ljspeech(root: Path) -> list[Utterance]:
    """LJSpeech layout: ``metadata.csv`` (id|text|normalized text) and ``wavs/ID.wav``."""
    out = []
    for line in (root / "metadata.csv").read_text(encoding="utf-8").splitlines():
        parts = line.split("|")
        if len(parts) >= 2:
            text = parts[2] if len(parts) > 2 and parts[2] else parts[1]
            out.append(Utterance(str(root / "wavs" / f"{parts[0]}.wav"), text, "lj", "ljspeech"))
    return out


def read_librispeech(root: Path) -> list[Utterance]:
    """LibriSpeech layout: ``SPEAKER/CHAPTER/SPEAKER-CHAPTER.trans.txt`` beside FLAC files."""
    out = []
    for trans in sorted(root.rglob("*.trans.txt")):
        for line in trans.read_text(encoding="utf-8").splitlines():
            uid, _, text = line.partition(" ")
            if text:
                out.append(Utterance(str(trans.parent / f"{uid}.flac"), text, uid.split("-")[0], "librispeech"))
    return out


READERS = {"csv": read_csv_manifest, "ljspeech": read_ljspeech, "librispeech": read_librispeech}


@dataclass(frozen=True)
class Source:
    """One ``--data KIND:PATH[:WEIGHT]`` argument."""

    kind: str
    path: Path
    weight: float = 1.0

    @classmethod
    def parse(cls, spec: str) -> "Source":
        kind, _, rest = spec.partition(":")
        if kind not in READERS or not rest:
            raise ValueError(f"--data {spec!r}: use KIND:PATH[:WEIGHT] with KIND one of {', '.join(READERS)}")
        path, _, weight = rest.rpartition(":") if rest.count(":") >= 1 else (rest, "", "")
        if not path:
            path, weight = weight, ""
        return cls(kind, Path(path), float(weight) if weight else 1.0)

    def read(self) -> list[Utterance]:
        return READERS[self.kind](self.path)


def split_speakers(utts: list[Utterance], every: int) -> tuple[list[Utterance], list[Utterance]]:
    """Hold out every ``every``-th speaker (sorted) so evaluation hears unseen people."""
    speakers = sorted({u.speaker for u in utts})
    held = set(speakers[::every]) if every > 0 and len(speakers) > 1 else set()
    return [u for u in utts if u.speaker not in held], [u for u in utts if u.speaker in held]


def write_manifest(utts: list[Utterance], path: Path) -> None:
    """Write ``path,text,speaker,source`` with absolute paths, so the CSV works from anywhere."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "text", "speaker", "source"])
        for u in utts:
            w.writerow([str(Path(u.path).resolve()), u.text, u.speaker, u.source])
