"""Speech synthesis for training corpora and tests.

The built-in engine is the espeak-ng library shipped by ``espeakng-loader``,
driven through its C API with ctypes, so training and tests need nothing
installed by hand. Where Debian's ``flite`` or ``text2wave`` (Festival) are on
PATH they can be used too (see docs/training.md); Festival is kept for
out-of-domain evaluation and is never used for training by default.

No torch here: tests import this module to make their audio.
"""

from __future__ import annotations

import ctypes
import functools
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..audio import to_mono_16k

# espeak_AUDIO_OUTPUT and espeak_PARAMETER values from speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4
_CHARS_UTF8 = 1
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

ESPEAK_ENGLISH = ("en-us", "en", "en-gb-x-rp", "en-gb-scotland", "en-029", "en-gb-x-gbclan", "en-gb-x-gbcwmd")


class SynthesisError(RuntimeError):
    """The engine failed or produced no audio."""


@dataclass(frozen=True)
class Voice:
    """One way of speaking: engine, voice name and espeak prosody settings."""

    engine: str  # "espeak", "flite" or "festival"
    name: str  # espeak: "en-us+f3"; flite: "slt"; festival: "kal_diphone"
    rate: int = 175  # espeak words per minute
    pitch: int = 50  # espeak 0-100
    pitch_range: int = 50  # espeak 0-100


class _Espeak:
    """Synchronous espeak-ng synthesis through the library's C API (one per process)."""

    def __init__(self) -> None:
        import espeakng_loader

        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data_parent = str(Path(espeakng_loader.get_data_path()).parent).encode()
        self.sample_rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_parent, 0)
        if self.sample_rate <= 0:
            raise SynthesisError("espeak-ng failed to initialise from espeakng-loader's data")
        self._chunks: list[np.ndarray] = []

        def collect(wav, n, _events):  # called by espeak from inside espeak_Synth
            if n > 0:
                self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
            return 0

        self._callback = _CALLBACK(collect)  # keep a reference: espeak holds a raw pointer
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]

    def speak(self, text: str, voice: Voice) -> tuple[np.ndarray, int]:
        if self.lib.espeak_SetVoiceByName(voice.name.encode()) != 0:
            raise SynthesisError(f"espeak-ng has no voice {voice.name!r}")
        for param, value in ((_RATE, voice.rate), (_PITCH, voice.pitch), (_RANGE, voice.pitch_range)):
            self.lib.espeak_SetParameter(param, value, 0)
        data = text.encode("utf-8") + b"\0"
        buf = ctypes.create_string_buffer(data)
        self._chunks = []
        err = self.lib.espeak_Synth(buf, len(data), 0, 0, 0, _CHARS_UTF8, None, None)
        if err != 0:
            raise SynthesisError(f"espeak_Synth failed with code {err}")
        self.lib.espeak_Synchronize()
        pcm = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        return pcm, self.sample_rate


@functools.lru_cache(maxsize=1)
def _espeak() -> _Espeak:
    return _Espeak()


def espeak_variants() -> list[str]:
    """Names of the voice variants (``+f3``, ``+klatt``...) in espeakng-loader's data."""
    import espeakng_loader

    return sorted(p.name for p in (Path(espeakng_loader.get_data_path()) / "voices" / "!v").iterdir())


def engine_available(engine: str) -> bool:
    """Whether an engine can synthesize here (espeak always can)."""
    return engine == "espeak" or shutil.which({"flite": "flite", "festival": "text2wave"}[engine]) is not None


def _run_to_wav(cmd: list[str], text: str | None = None) -> tuple[np.ndarray, int]:
    import soundfile as sf

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.wav"
        cmd = [c.replace("{out}", str(out)) for c in cmd]
        res = subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=60)
        if res.returncode != 0 or not out.exists():
            raise SynthesisError(f"{cmd[0]} failed: {res.stderr.strip()[:200]}")
        pcm, sr = sf.read(str(out), dtype="int16")
    return pcm, sr


def synthesize(text: str, voice: Voice = Voice("espeak", "en-us")) -> np.ndarray:
    """Speak ``text`` and return mono float32 at the model's sample rate."""
    if voice.engine == "espeak":
        pcm, sr = _espeak().speak(text, voice)
    elif voice.engine == "flite":
        pcm, sr = _run_to_wav(["flite", "-voice", voice.name, "-t", text, "-o", "{out}"])
    elif voice.engine == "festival":
        pcm, sr = _run_to_wav(["text2wave", "-eval", f"(voice_{voice.name})", "-o", "{out}"], text)
    else:
        raise SynthesisError(f"unknown engine {voice.engine!r}; use espeak, flite or festival")
    if pcm.size == 0:
        raise SynthesisError(f"{voice.engine} produced no audio for {text!r}")
    return to_mono_16k(pcm, sr)
