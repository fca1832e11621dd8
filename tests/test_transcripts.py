from pathlib import Path

import pytest

from intelliscore.transcripts import InputError, build_items


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


@pytest.fixture
def folder(tmp_path):
    for name in ("a", "b", "c"):
        touch(tmp_path / "wavs" / f"{name}.wav")
    return tmp_path


def by_id(items):
    return {it.id: it for it in items}


def test_csv_with_paths(folder):
    csv = folder / "t.csv"
    csv.write_text("path,text\nwavs/a.wav,Hello\nwavs/b.wav,World\nwavs/c.wav,Again\n", encoding="utf-8")
    items = by_id(build_items([folder / "wavs"], str(csv)))
    assert items["a"].text == "Hello" and not items["a"].error
    assert Path(items["b"].path).name == "b.wav"


def test_csv_with_ids_and_bom(folder):
    csv = folder / "t.csv"
    csv.write_bytes("\ufeffid,text\na,Hello\nb,World\nc,Again\n".encode("utf-8"))
    items = by_id(build_items([folder / "wavs"], str(csv)))
    assert {k: v.text for k, v in items.items()} == {"a": "Hello", "b": "World", "c": "Again"}


def test_ljspeech_metadata(folder):
    meta = folder / "metadata.csv"
    meta.write_text("a|Hello 1|Hello one\nb|World|\nc|Again\n", encoding="utf-8")
    items = by_id(build_items([folder / "wavs"], str(meta)))
    assert items["a"].text == "Hello one"  # the normalized column wins
    assert items["b"].text == "World"


def test_txt_and_lab_beside_audio(folder):
    (folder / "wavs" / "a.txt").write_text("Hello\n", encoding="utf-8")
    (folder / "wavs" / "b.lab").write_text("World", encoding="utf-8")
    items = by_id(build_items([folder / "wavs"], None))
    assert items["a"].text == "Hello" and items["b"].text == "World"
    assert "no transcript for c.wav" in items["c"].error


def test_literal_text_needs_one_file(folder):
    items = build_items([folder / "wavs" / "a.wav"], "Hello there")
    assert items[0].text == "Hello there"
    with pytest.raises(InputError, match="exactly one audio file"):
        build_items([folder / "wavs"], "Hello there")


def test_missing_transcript_file_is_a_usage_error(folder):
    with pytest.raises(InputError, match="not found"):
        build_items([folder / "wavs"], str(folder / "nope.csv"))


def test_non_utf8_csv_says_how_to_fix_it(folder):
    csv = folder / "t.csv"
    csv.write_bytes("id,text\na,Caf\xe9\n".encode("cp1252"))
    with pytest.raises(InputError, match="--encoding"):
        build_items([folder / "wavs"], str(csv))
    items = by_id(build_items([folder / "wavs"], str(csv), encoding="cp1252"))
    assert items["a"].text == "Café"


def test_odd_rows_become_error_items(folder):
    csv = folder / "t.csv"
    csv.write_text("path,text\nwavs/a.wav,Hello\nwavs/b.wav\n,orphan text\nwavs/c.wav,   \nwavs/a.wav,Again\n"
                   "wavs/zzz.wav,Missing\n", encoding="utf-8")
    items = build_items([folder / "wavs"], str(csv))
    errors = [it.error for it in items]
    assert errors[0] == ""
    assert "has 1 fields" in errors[1]
    assert "no path given" in errors[2]
    assert "empty text" in errors[3]
    assert "duplicate path" in errors[4]
    assert items[5].id == "zzz" and items[5].error == ""  # scored: the loader reports "file not found"
    assert len(items) == 6  # every audio file is accounted for


def test_audio_without_transcript_and_row_without_audio(folder):
    csv = folder / "t.csv"
    csv.write_text("id,text\na,Hello\nq,No such file\n", encoding="utf-8")
    items = by_id(build_items([folder / "wavs"], str(csv)))
    assert "no audio file with id 'q'" in items["q"].error
    assert "no transcript for b.wav" in items["b"].error and "no transcript" in items["c"].error


def test_paths_outside_the_folder_are_refused(folder, tmp_path):
    outside = touch(tmp_path.parent / f"{tmp_path.name}-outside.wav")
    csv = folder / "wavs" / "t.csv"
    csv.write_text(f"path,text\na.wav,Hello\n../{tmp_path.name}/../{outside.name},Sneaky\n", encoding="utf-8")
    items = build_items([folder / "wavs"], str(csv))
    assert "outside" in items[1].error and "--allow-outside" in items[1].error
    items = build_items([folder / "wavs"], str(csv), allow_outside=True)
    assert items[1].error == ""


def test_duplicate_stems_get_unique_ids(tmp_path):
    touch(tmp_path / "x" / "a.wav")
    touch(tmp_path / "y" / "a.wav")
    (tmp_path / "x" / "a.txt").write_text("one")
    (tmp_path / "y" / "a.txt").write_text("two")
    items = build_items([tmp_path], None)
    assert sorted(it.id for it in items) == ["x/a", "y/a"]


def test_csv_without_key_column(folder):
    csv = folder / "t.csv"
    csv.write_text("name,text\na,Hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="'path' or 'id'"):
        build_items([folder / "wavs"], str(csv))


def test_csv_alone_scores_its_rows(folder):
    csv = folder / "t.csv"
    csv.write_text("path,text\nwavs/a.wav,Hello\n", encoding="utf-8")
    items = build_items([], str(csv))
    assert len(items) == 1 and items[0].error == ""
