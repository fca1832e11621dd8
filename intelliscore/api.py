"""The Python API: ``Scorer.load()``, ``scorer.score()``, ``scorer.score_many()``.

Data flows one way: text -> phonemes -> ids -> phoneme embedding; file ->
waveform -> audio embedding; both -> cosine -> UtteranceScore.
"""

from __future__ import annotations

import itertools
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Iterator, Union

import numpy as np

from .audio import AudioError, check_waveform, load_audio
from .calibration import match_probability
from .constants import SAMPLE_RATE, WORD_BOUNDARY
from .model import Model
from .phonemes import PhonemizeError, phonemize

AudioLike = Union[str, Path, np.ndarray]


@dataclass
class UtteranceScore:
    """One row of a report. ``score`` is the raw cosine; ``calibrated`` is 0-100 (match probability x 100)."""

    id: str
    path: str
    text: str
    phonemes: str = ""
    duration_s: float | None = None
    score: float | None = None
    calibrated: float | None = None
    status: str = "ok"  # "ok" or "error"
    error: str = ""
    unknown_phonemes: str = ""  # phones the model does not know (scored as <unk>)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Item:
    """An utterance to score. ``error`` set means it is reported, not scored (e.g. no transcript)."""

    id: str
    audio: AudioLike | None
    text: str
    error: str = ""

    @property
    def path(self) -> str:
        return "" if self.audio is None or isinstance(self.audio, np.ndarray) else str(self.audio)


def _error(item: Item, message: str, phonemes: str = "") -> UtteranceScore:
    return UtteranceScore(item.id, item.path, item.text, phonemes=phonemes, status="error", error=message)


def _load(audio: AudioLike) -> np.ndarray:
    if isinstance(audio, np.ndarray):
        return check_waveform(np.asarray(audio, dtype=np.float32), "waveform")
    return load_audio(audio)


class Scorer:
    """Scores (audio, text) pairs with a loaded model."""

    def __init__(self, model: Model, language: str | None = None, batch_size: int = 16, workers: int = 2):
        self.model = model
        self.language = language or model.meta.get("espeak_voice", "en-us")
        self.batch_size = batch_size
        self.workers = workers
        self._text_cache: dict[str, np.ndarray] = {}

    @classmethod
    def load(cls, model: str | Path | None = None, device: str = "auto", threads: int | None = None,
             language: str | None = None, batch_size: int = 16) -> "Scorer":
        """Load a model folder (default: the shipped model, or $INTELLISCORE_MODEL).

        ``device`` is ``auto`` (CUDA when usable, else CPU), ``cpu`` or ``cuda``;
        ``scorer.model.provider`` tells which ONNX Runtime provider is used.
        """
        return cls(Model.load(model, device=device, threads=threads), language=language, batch_size=batch_size)

    # ------------------------------------------------------------ text side
    def phonemes(self, text: str) -> list[str]:
        """The phones the model hears for ``text`` (``|`` between words)."""
        return phonemize(text, self.language)

    def embed_phones(self, phone_lists: list[list[str]]) -> np.ndarray:
        """Phoneme embeddings, cached per distinct phone sequence (transcripts repeat in corpora)."""
        keys = [" ".join(p) for p in phone_lists]
        todo = list(dict.fromkeys(k for k in keys if k not in self._text_cache))
        todo.sort(key=lambda k: k.count(" "))  # similar lengths share a batch: less padding to compute
        for start in range(0, len(todo), 64):
            chunk = todo[start : start + 64]
            ids = [self.model.inventory.encode(k.split(" "))[0] for k in chunk]
            for k, e in zip(chunk, self.model.embed_ids(ids)):
                self._text_cache[k] = e
        if len(self._text_cache) > 50_000:  # keep memory flat on huge corpora
            self._text_cache = {k: self._text_cache[k] for k in keys}
        return np.stack([self._text_cache[k] for k in keys])

    def embed_audio(self, waves: list[np.ndarray]) -> np.ndarray:
        """Audio embeddings, batched by similar length to limit padding."""
        out = np.zeros((len(waves), self.model.meta["embedding_size"]), dtype=np.float32)
        order = sorted(range(len(waves)), key=lambda i: len(waves[i]))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            out[idx] = self.model.embed_audio([waves[i] for i in idx])
        return out

    def calibrate(self, score: float) -> float:
        """0-100 calibrated score: 100 x probability that the audio says the text."""
        cal = self.model.meta["calibration"]
        return 100.0 * match_probability(score, cal["slope"], cal["intercept"])

    # ------------------------------------------------------------ scoring
    def score(self, audio: AudioLike, text: str, id: str | None = None) -> UtteranceScore:
        """Score one recording (path or 16 kHz mono float32 array) against its text."""
        ident = id or (Path(audio).stem if not isinstance(audio, np.ndarray) else "utt")
        return next(self.score_many([Item(ident, audio, text)]))

    def score_many(self, items: Iterable[Item | tuple[AudioLike, str]], window: int = 128) -> Iterator[UtteranceScore]:
        """Score a stream of items, yielding one UtteranceScore per item in input order.

        Audio of the next window is decoded in worker threads while the model
        runs on the current one; memory stays bounded by ``window``.
        """
        stream = (it if isinstance(it, Item) else Item(_default_id(it[0], n), it[0], it[1])
                  for n, it in enumerate(items))
        with ThreadPoolExecutor(self.workers) as pool:
            chunks = iter(lambda: list(itertools.islice(stream, window)), [])
            pending = None
            for chunk in chunks:
                submitted = [(it, pool.submit(_load, it.audio) if not it.error else None) for it in chunk]
                if pending is not None:
                    yield from self._score_window(pending)
                pending = submitted
            if pending is not None:
                yield from self._score_window(pending)

    def _score_window(self, window: list[tuple[Item, Future | None]]) -> Iterator[UtteranceScore]:
        rows: list[UtteranceScore | None] = [None] * len(window)
        good: list[tuple[int, np.ndarray, list[str], list[str]]] = []
        for i, (item, fut) in enumerate(window):
            if fut is None:
                rows[i] = _error(item, item.error)
                continue
            try:
                phones = self.phonemes(item.text)
            except PhonemizeError as exc:
                fut.cancel()
                rows[i] = _error(item, str(exc))
                continue
            shown = " ".join(phones)
            try:
                wave = fut.result()
            except AudioError as exc:
                rows[i] = _error(item, str(exc), shown)
                continue
            _, unknown = self.model.inventory.encode(phones)
            good.append((i, wave, phones, unknown))
        if good:
            audio = self.embed_audio([g[1] for g in good])
            text = self.embed_phones([g[2] for g in good])
            scores = np.sum(audio * text, axis=1)
            for (i, wave, phones, unknown), s in zip(good, scores):
                item = window[i][0]
                rows[i] = UtteranceScore(
                    item.id, item.path, item.text, phonemes=" ".join(phones),
                    duration_s=round(len(wave) / SAMPLE_RATE, 3), score=round(float(s), 5),
                    calibrated=round(self.calibrate(float(s)), 2),
                    unknown_phonemes=" ".join(sorted(set(unknown) - {WORD_BOUNDARY})),
                )
        yield from rows  # type: ignore[misc]


def _default_id(audio: AudioLike, n: int) -> str:
    return f"utt{n}" if isinstance(audio, np.ndarray) else Path(audio).stem


def word_contributions(scorer: Scorer, audio: AudioLike, text: str) -> list[tuple[str, float]]:
    """How much each word of ``text`` contributes to the score of ``audio``.

    Contribution = score(text) - score(text without that word). A word the audio
    really says has a positive contribution; a word the audio lacks or garbles
    has a small or negative one, because removing it raises the score.
    """
    words = text.split()
    wave = _load(audio)
    a = scorer.embed_audio([wave])[0]
    base = float(a @ scorer.embed_phones([scorer.phonemes(text)])[0])
    out = []
    for i, w in enumerate(words):
        rest = " ".join(words[:i] + words[i + 1 :])
        try:
            s = float(a @ scorer.embed_phones([scorer.phonemes(rest)])[0])
        except PhonemizeError:  # the only speakable word
            s = 0.0
        out.append((w, base - s))
    return out
