import json
from pathlib import Path

import pytest

from intelliscore.constants import WORD_BOUNDARY
from intelliscore.phonemes import Inventory, PhonemizeError, phonemize

GOLDEN = Path(__file__).parent / "golden_phonemes.json"


def test_words_are_separated_and_stress_is_dropped():
    phones = phonemize("hello world")
    assert phones.count(WORD_BOUNDARY) == 1
    assert not any(c in "ˈˌ" for p in phones for c in p)


def test_numbers_and_abbreviations_are_read_as_espeak_reads_them():
    # "21" is read as words: many more phonemes than two digits would give
    assert len([p for p in phonemize("21") if p != WORD_BOUNDARY]) > 4
    assert phonemize("Dr. Smith")[:4] == phonemize("Doctor Smith")[:4]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_an_error(text):
    with pytest.raises(PhonemizeError, match="empty text"):
        phonemize(text)


def test_text_without_speakable_words_is_an_error():
    with pytest.raises(PhonemizeError, match="no phonemes"):
        phonemize("... !!! ???")


def test_unknown_phonemes_are_reported_not_dropped():
    inv = Inventory.from_phones(["a", "b", WORD_BOUNDARY])
    ids, unknown = inv.encode(["a", "x", WORD_BOUNDARY, "b", "y"])
    assert len(ids) == 5 and ids[1] == 1 and ids[4] == 1  # <unk>
    assert unknown == ["x", "y"]


def test_training_uses_the_runtime_phonemizer():
    from intelliscore import phonemes
    from intelliscore.train import loop

    assert loop.phonemize is phonemes.phonemize


def test_golden_phonemes_and_the_model_knows_them(model_dir):
    """The shipped model was trained on these exact phonemes; a changed espeak would show here."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    inventory = Inventory(tuple(json.loads((model_dir / "model.json").read_text())["phonemes"]))
    for text, expected in golden.items():
        got = phonemize(text)
        assert " ".join(got) == expected
        assert inventory.encode(got)[1] == []


def test_unknown_language_suggests_codes():
    with pytest.raises(PhonemizeError, match="fr-fr"):
        phonemize("bonjour", "fr")
