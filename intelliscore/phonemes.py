"""Text -> phonemes -> ids.

espeak-ng is loaded from the ``espeakng-loader`` wheel, never from the system,
so every machine phonemizes identically. Training imports this module, so the
model is trained on exactly what the runtime produces (see tests/test_golden.py).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Sequence

from .constants import DEFAULT_LANGUAGE, PAD, UNK, WORD_BOUNDARY

log = logging.getLogger(__name__)


class PhonemizeError(ValueError):
    """The text cannot be turned into phonemes (empty, or no speakable content)."""


@functools.lru_cache(maxsize=8)
def _backend(language: str):
    import espeakng_loader
    from phonemizer.backend import EspeakBackend
    from phonemizer.backend.espeak.wrapper import EspeakWrapper

    EspeakWrapper.set_library(espeakng_loader.get_library_path())
    EspeakWrapper.set_data_path(espeakng_loader.get_data_path())
    quiet = logging.getLogger("intelliscore.espeak")
    quiet.setLevel(logging.ERROR)  # phonemizer warns about word counts on every call; we only need errors
    try:
        return EspeakBackend(
            language,
            preserve_punctuation=False,
            with_stress=False,
            language_switch="remove-flags",
            words_mismatch="ignore",
            logger=quiet,
        )
    except RuntimeError as exc:  # phonemizer raises RuntimeError for unknown voices
        import difflib

        known = sorted(EspeakBackend.supported_languages())
        close = difflib.get_close_matches(language, known, n=5, cutoff=0.3) or known[:5]
        raise PhonemizeError(f"espeak-ng has no language {language!r}; try one of: {', '.join(close)}") from exc


def espeak_version() -> str:
    """Version of the bundled espeak-ng, recorded in the model sidecar."""
    return ".".join(str(v) for v in _backend(DEFAULT_LANGUAGE).version())


def phonemize(text: str, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """Phonemize ``text`` into a list of phones with ``|`` between words.

    Stress marks are dropped: they are prosody, not phonemes. Numbers,
    abbreviations and punctuation are read the way espeak-ng reads them. Text
    with no lower-case letter at all is lower-cased first (all-caps corpora).
    Raises PhonemizeError for empty text or text with nothing speakable.
    """
    from phonemizer.separator import Separator

    if not text or not text.strip():
        raise PhonemizeError("empty text: give the words the audio should say")
    flat = " ".join(text.split())  # newlines would make phonemizer return several utterances
    if not any(c.islower() for c in flat):
        # All-caps transcripts (LibriSpeech, speechocean762) are a convention, not acronyms:
        # espeak would spell "IT" as "I T".
        flat = flat.lower()
    out = _backend(language).phonemize(
        [flat], separator=Separator(phone=" ", word=f" {WORD_BOUNDARY} ", syllable=""), strip=True
    )[0]
    phones = [p for p in out.split(" ") if p]
    # Collapse repeated or edge word boundaries (punctuation-only words leave them).
    tokens: list[str] = []
    for p in phones:
        if p == WORD_BOUNDARY and (not tokens or tokens[-1] == WORD_BOUNDARY):
            continue
        tokens.append(p)
    while tokens and tokens[-1] == WORD_BOUNDARY:
        tokens.pop()
    if not tokens:
        raise PhonemizeError(f"text {text!r} has no phonemes: it must contain speakable words")
    return tokens


@dataclass(frozen=True)
class Inventory:
    """The model's phoneme vocabulary: index 0 is padding, 1 unknown."""

    tokens: tuple[str, ...]

    @classmethod
    def from_phones(cls, phones: Sequence[str]) -> "Inventory":
        rest = sorted(set(phones) - {PAD, UNK})
        return cls((PAD, UNK, *rest))

    @functools.cached_property
    def _index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tokens)}

    @property
    def phonemes(self) -> list[str]:
        """Real phonemes only (no padding, unknown or word boundary)."""
        return [t for t in self.tokens if t not in (PAD, UNK, WORD_BOUNDARY)]

    def encode(self, phones: Sequence[str]) -> tuple[list[int], list[str]]:
        """Map phones to ids; return the ids and the phones the model does not know.

        Unknown phones become the <unk> id and are returned so callers can
        report them; they are never silently dropped.
        """
        unk_id = self._index[UNK]
        ids = [self._index.get(p, unk_id) for p in phones]
        unknown = [p for p in phones if p not in self._index]
        return ids, unknown
