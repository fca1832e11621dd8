"""intelliscore: how intelligible is this recording of this text?

A CLIP-style pair of encoders (SCRAPS, arXiv 2307.12445) maps audio and
phonemized text into one space; the score is their cosine similarity.

    from intelliscore import Scorer
    scorer = Scorer.load()
    print(scorer.score("hello.wav", "Hello world").score)
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Scorer", "UtteranceScore", "__version__"]


def __getattr__(name: str):
    # Lazy so that `intelliscore --help` does not pay for numpy and onnxruntime.
    if name in ("Scorer", "UtteranceScore"):
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
