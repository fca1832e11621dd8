"""Which audio files to score, and what each should say.

Transcript sources: a CSV with ``path`` or ``id`` and ``text`` columns (comma,
tab or ``|`` delimited); LJSpeech ``id|text`` metadata; a ``.txt``/``.lab`` file
beside each audio file; or a literal sentence for a single file. Problems with
single rows become error items (reported, never dropped); problems with the
whole input raise InputError (exit code 2).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .api import Item

AUDIO_EXTENSIONS = {".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aiff", ".aif", ".aifc", ".au", ".caf",
                    ".w64", ".rf64", ".wave"}
TRANSCRIPT_SUFFIXES = {".csv", ".tsv", ".psv", ".txt", ".lab"}
PATH_COLUMNS = ("path", "file", "filename", "audio", "wav")


class InputError(ValueError):
    """The input as a whole is unusable (exit code 2); the message says how to fix it."""


@dataclass
class Row:
    line: int
    key: str  # path or id as written
    text: str
    error: str = ""


def find_audio(paths: list[Path]) -> list[Path]:
    """Files as given plus audio files found recursively in folders, sorted, no duplicates."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in AUDIO_EXTENSIONS))
        elif p.is_file():
            found.append(p)
        else:
            raise InputError(f"{p} does not exist: give audio files or folders that contain them")
    return list(dict.fromkeys(found))


def read_text_file(path: Path, encoding: str = "utf-8") -> str:
    """Decode a transcript file; a UTF-8 byte-order mark is accepted and removed."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path} is not valid {encoding} (byte 0x{data[exc.start]:02x} on line {line}): re-save it as UTF-8 "
            "or pass --encoding (e.g. --encoding cp1252)"
        ) from exc
    except LookupError as exc:
        raise InputError(f"unknown --encoding {encoding!r}") from exc


def parse_transcripts(path: Path, encoding: str = "utf-8") -> tuple[str, list[Row]]:
    """Return ('path' | 'id', rows) from a CSV/TSV with a header, or LJSpeech ``id|text`` lines."""
    content = read_text_file(path, encoding)
    lines = content.splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(f"{path} is empty: it needs a header (path,text or id,text) and one row per file")
    first = lines[0]
    delimiter = max((",", "\t", "|"), key=first.count)
    header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter))]
    if "text" in header:
        key_col = next((c for c in PATH_COLUMNS if c in header), "id" if "id" in header else None)
        if key_col is None:
            raise InputError(f"{path}: the header {header} needs a 'path' or 'id' column beside 'text'")
        kind = "id" if key_col == "id" else "path"
        ki, ti = header.index(key_col), header.index("text")
        rows = []
        reader = csv.reader(io.StringIO(content), delimiter=delimiter)
        next(reader)
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) <= max(ki, ti):
                rows.append(Row(line, fields[ki].strip() if len(fields) > ki else "", "",
                                f"line {line} of {path.name} has {len(fields)} fields, the header has {len(header)}"))
                continue
            rows.append(Row(line, fields[ki].strip(), fields[ti]))
        return kind, rows
    if "|" in first:  # LJSpeech metadata: id|text[|normalized text], no header
        rows = []
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            parts = line.split("|")
            if len(parts) < 2:
                rows.append(Row(n, parts[0].strip(), "", f"line {n} of {path.name} is not id|text"))
            else:
                text = parts[2] if len(parts) > 2 and parts[2].strip() else parts[1]
                rows.append(Row(n, parts[0].strip(), text))
        return "id", rows
    raise InputError(
        f"cannot read transcripts from {path}: use a CSV with a header 'path,text' or 'id,text', "
        "or LJSpeech lines 'id|text'"
    )


def _under(p: Path, roots: list[Path]) -> bool:
    rp = p.resolve()
    return any(rp == r or r in rp.parents for r in roots)


def _resolve(key: str, bases: list[Path]) -> Path:
    p = Path(key)
    if p.is_absolute():
        return p
    for base in bases:
        if (base / p).exists():
            return base / p
    return bases[0] / p


def _sidecar_text(audio: Path) -> tuple[str, str]:
    for suffix in (".txt", ".lab"):
        t = audio.with_suffix(suffix)
        if t.is_file():
            try:
                return read_text_file(t).strip(), ""
            except InputError as exc:
                return "", str(exc)
    return "", f"no transcript for {audio.name}: put {audio.stem}.txt beside it or pass --text"


def _unique_ids(items: list[Item], roots: list[Path]) -> list[Item]:
    counts = Counter(it.id for it in items)
    for it in items:
        if counts[it.id] > 1 and it.path:
            p = Path(it.path).resolve()
            root = next((r for r in roots if r in p.parents), p.parent)
            it.id = p.relative_to(root).with_suffix("").as_posix()
    return items


def build_items(paths: list[Path], text: str | None, encoding: str = "utf-8",
                allow_outside: bool = False) -> list[Item]:
    """Pair audio files with transcripts. See the module docstring for the sources."""
    audio = find_audio(paths)
    roots = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    if text is None:
        if not audio:
            raise InputError("no audio files found: give files or folders (wav, flac, ogg, mp3, ...)")
        items = []
        for a in audio:
            t, err = _sidecar_text(a)
            items.append(Item(a.stem, a, t, err))
        return _unique_ids(items, roots)
    tpath = Path(text)
    if not tpath.is_file():
        if tpath.suffix.lower() in TRANSCRIPT_SUFFIXES or "/" in text or "\\" in text:
            raise InputError(f"transcript file {text} not found (for a sentence, give one audio file and quote it)")
        if len(audio) != 1:
            raise InputError(
                f"--text with a sentence needs exactly one audio file, got {len(audio)}: "
                "for many files use a CSV (path,text), LJSpeech metadata or .txt files beside the audio"
            )
        return [Item(audio[0].stem, audio[0], text)]
    kind, rows = parse_transcripts(tpath, encoding)
    if not paths:
        roots = [tpath.resolve().parent]
    bases = [tpath.parent] + [p if p.is_dir() else p.parent for p in paths] + [Path.cwd()]
    by_stem: dict[str, list[Path]] = {}
    for a in audio:
        by_stem.setdefault(a.stem, []).append(a)
    items: list[Item] = []
    used: set[Path] = set()
    seen: dict[str, int] = {}
    for row in rows:
        ident = Path(row.key).stem if row.key else f"line{row.line}"
        if row.error or not row.key:
            target = _resolve(row.key, bases) if row.key and kind == "path" else None
            if target is not None:
                used.add(target.resolve())  # reported here; not again as "no transcript"
            items.append(Item(ident, target, row.text, row.error or f"line {row.line}: no {kind} given"))
            continue
        if row.key in seen:
            items.append(Item(ident, None, row.text,
                              f"duplicate {kind} {row.key!r} on lines {seen[row.key]} and {row.line}; "
                              "the first is scored, make them unique"))
            continue
        seen[row.key] = row.line
        if kind == "id":
            matches = by_stem.get(row.key, [])
            if not paths and not matches:
                matches = [m for m in [_resolve(row.key + ext, bases) for ext in (".wav", ".flac")] if m.exists()]
            if len(matches) != 1:
                why = "no audio file" if not matches else f"{len(matches)} audio files"
                items.append(Item(row.key, None, row.text, f"{why} with id {row.key!r} under the given paths"))
                continue
            target = matches[0]
        else:
            target = _resolve(row.key, bases)
            if not allow_outside and not _under(target, roots):
                items.append(Item(ident, target, row.text,
                                  f"{row.key} is outside {', '.join(map(str, roots))}; pass --allow-outside to score it"))
                continue
        used.add(target.resolve())
        items.append(Item(ident if kind == "path" else row.key, target, row.text,
                          "" if row.text.strip() else f"line {row.line}: empty text for {row.key}"))
    for a in audio:
        if a.resolve() not in used:
            items.append(Item(a.stem, a, "", f"no transcript for {a.name} in {tpath.name}"))
    return _unique_ids(items, roots)
