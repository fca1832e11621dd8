"""``intelliscore train``: build corpora, train the two encoders, export the model.

Steps: (1) synthesize the built-in corpus and read real-speech manifests,
(2) hold out speakers, (3) phonemize with the runtime's phonemizer and build the
inventory, (4) train with symmetric InfoNCE plus hard negatives, validating and
checkpointing as it goes, (5) export ONNX + sidecar and check parity.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from ..audio import AudioError, load_audio
from ..constants import DEFAULT_LANGUAGE, SAMPLE_RATE
from ..evaluate import derangement, roc_auc
from ..perturb import hard_negative, substitute
from ..phonemes import Inventory, PhonemizeError, phonemize
from . import corpus
from .augment import augment_batch, augment_clip
from .export import export_onnx, install_model, parity, write_sidecar
from .nets import ModelDims, Scraps, clip_loss

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    """Everything a run depends on; saved beside the checkpoint and in the sidecar."""

    out: Path = Path("runs/base")
    name: str = "intelliscore-base"
    synthetic: int = 12000  # built-in synthetic utterances (0: none)
    synthetic_weight: float = 1.0
    engines: tuple[str, ...] = corpus.TRAIN_ENGINES
    data: list[str] = field(default_factory=list)  # KIND:PATH[:WEIGHT]
    holdout_every: int = 5  # every n-th speaker of real sources is held out
    val_synthetic: int = 300
    steps: int = 3000
    max_minutes: float = 0.0  # 0: no time limit
    batch_size: int = 48
    lr: float = 5e-4
    warmup: int = 200
    max_train_seconds: float = 10.0
    augment: float = 1.0
    hard_negatives: bool = True
    width: int = 192
    audio_layers: int = 4
    text_layers: int = 3
    embed_dim: int = 256
    val_every: int = 250
    curriculum: float = 0.3  # augmentation and hard negatives ramp up over this fraction of the steps
    seed: int = 0
    device: str = "auto"
    workers: int = 2
    language: str = DEFAULT_LANGUAGE
    install_to: Path | None = None  # copy the exported model here (e.g. models/intelliscore-base)

    @classmethod
    def from_toml(cls, path: Path, **overrides) -> "TrainConfig":
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)}; known: {sorted(known)}")
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls.build(**data)

    @classmethod
    def build(cls, **kw) -> "TrainConfig":
        for key in ("out", "install_to"):
            if kw.get(key) is not None:
                kw[key] = Path(kw[key])
        if "engines" in kw:
            kw["engines"] = tuple(kw["engines"])
        return cls(**kw)

    def to_json(self) -> dict:
        d = asdict(self)
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in d.items()}


@dataclass
class Example:
    wave: np.ndarray
    phones: list[str]
    ids: list[int]
    source: str


# ---------------------------------------------------------------- data
def _load(utts: list[corpus.Utterance], language: str, max_seconds: float, say: Callable[[str], None]) -> list[tuple]:
    out, skipped = [], 0
    for u in utts:
        try:
            wave = load_audio(u.path)
            if len(wave) / SAMPLE_RATE > max_seconds:
                skipped += 1
                continue
            out.append((wave, phonemize(u.text, language), u.source))
        except (AudioError, PhonemizeError) as exc:
            skipped += 1
            log.debug("skip %s: %s", u.path, exc)
    if skipped:
        say(f"  skipped {skipped} of {len(utts)} utterances (unreadable, too long or no phonemes)")
    return out


def prepare_data(cfg: TrainConfig, say: Callable[[str], None]):
    """Return (train groups with weights, validation examples, inventory)."""
    groups: dict[str, tuple[list[corpus.Utterance], float]] = {}
    val_utts: list[corpus.Utterance] = []
    if cfg.synthetic > 0:
        say(f"synthesizing {cfg.synthetic} + {cfg.val_synthetic} utterances ({', '.join(cfg.engines)})")
        man = corpus.build_synthetic(cfg.out / "corpus" / "synthetic", cfg.synthetic, cfg.seed, cfg.engines, cfg.workers)
        groups["synthetic"] = (corpus.read_csv_manifest(man, "synthetic"), cfg.synthetic_weight)
        if cfg.val_synthetic > 0:
            vman = corpus.build_synthetic(cfg.out / "corpus" / "synthetic-val", cfg.val_synthetic, cfg.seed + 1,
                                          cfg.engines, cfg.workers)
            val_utts += corpus.read_csv_manifest(vman, "synthetic-val")
    for i, spec in enumerate(cfg.data):
        src = corpus.Source.parse(spec)
        utts = src.read()
        train, held = corpus.split_speakers(utts, cfg.holdout_every)
        held_speakers = sorted({u.speaker for u in held})
        val_speakers = set(held_speakers[::2])  # half of the held-out speakers validate, half are the test set
        val = [u for u in held if u.speaker in val_speakers]
        test = [u for u in held if u.speaker not in val_speakers]
        corpus.write_manifest(val, cfg.out / f"val-{i}.csv")
        corpus.write_manifest(test, cfg.out / f"test-{i}.csv")
        say(f"{src.kind}:{src.path}: {len(train)} train, {len(val)} validation, {len(test)} test utterances "
            f"({len(held_speakers)} held-out speakers; test set in {cfg.out / f'test-{i}.csv'})")
        groups[f"{src.kind}-{i}"] = (train, src.weight)
        val_utts += val
    if not groups:
        raise ValueError("no training data: use --synthetic N and/or --data KIND:PATH")
    loaded = {}
    for name, (utts, weight) in groups.items():
        say(f"loading {name}: {len(utts)} utterances")
        loaded[name] = (_load(utts, cfg.language, cfg.max_train_seconds, say), weight)
    say(f"loading validation: {len(val_utts)} utterances")
    val_raw = _load(val_utts, cfg.language, 30.0, say)
    inventory = Inventory.from_phones([p for rows, _ in loaded.values() for _, ph, _ in rows for p in ph])

    def encode(rows):
        return [Example(w, ph, inventory.encode(ph)[0], s) for w, ph, s in rows]

    train_groups = {k: (encode(rows), w) for k, (rows, w) in loaded.items() if rows}
    return train_groups, encode(val_raw), inventory


def _pad(seqs: list, dtype) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.long)
    out = torch.zeros(len(seqs), int(lengths.max()), dtype=dtype)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = torch.as_tensor(s, dtype=dtype)
    return out, lengths


class Batcher:
    """Draws batches from weighted sources, grouping similar lengths to limit padding."""

    def __init__(self, groups: dict[str, tuple[list[Example], float]], inventory: Inventory, cfg: TrainConfig):
        self.names = list(groups)
        self.examples = [groups[n][0] for n in self.names]
        self.weights = [groups[n][1] for n in self.names]
        self.phonemes = inventory.phonemes
        self.inventory = inventory
        self.cfg = cfg

    def next(self, rng: random.Random, ramp: float = 1.0):
        """A batch; ``ramp`` (0..1) scales augmentation and how often hard negatives are used (curriculum)."""
        b = self.cfg.batch_size
        strength = self.cfg.augment * max(0.1, ramp)
        pool = []
        for g in rng.choices(range(len(self.names)), self.weights, k=4 * b):
            pool.append(rng.choice(self.examples[g]))
        pool.sort(key=lambda e: len(e.wave))
        start = rng.randrange(0, 3 * b + 1)
        chosen = pool[start : start + b]
        waves = [augment_clip(e.wave, strength) for e in chosen]
        wav, wlen = _pad(waves, torch.float32)
        wav = augment_batch(wav, wlen, strength)
        ids, ilen = _pad([e.ids for e in chosen], torch.long)
        keys = [" ".join(e.phones) for e in chosen]
        same = torch.tensor([[a == k for k in keys] for a in keys])
        hard = None
        if self.cfg.hard_negatives and rng.random() < ramp:
            negs = [self.inventory.encode(hard_negative(e.phones, self.phonemes, rng))[0] for e in chosen]
            hard = _pad(negs, torch.long)
        return wav, wlen, ids, ilen, same, hard


# ---------------------------------------------------------------- validation
@torch.no_grad()
def embed_examples(model: Scraps, examples: list[Example], device: str, batch: int = 32):
    model.eval()
    a_out, t_out = [], []
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].wave))
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
        wav, wlen = _pad([examples[i].wave for i in idx], torch.float32)
        ids, ilen = _pad([examples[i].ids for i in idx], torch.long)
        a_out.append((idx, model.audio(wav.to(device), wlen.to(device)).cpu()))
        t_out.append((idx, model.text(ids.to(device), ilen.to(device)).cpu()))
    model.train()
    a = torch.zeros(len(examples), model.dims.embed_dim)
    t = torch.zeros(len(examples), model.dims.embed_dim)
    for idx, e in a_out:
        a[idx] = e
    for idx, e in t_out:
        t[idx] = e
    return a.numpy(), t.numpy()


def matched_mismatched(a: np.ndarray, t: np.ndarray, examples: list[Example], seed: int = 0):
    """Matched scores and scores against another utterance's (different) text."""
    perm = derangement([" ".join(e.phones) for e in examples], seed)
    return (a * t).sum(1), (a * t[perm]).sum(1)


def validate(model: Scraps, val: list[Example], inventory: Inventory, device: str) -> dict:
    a, t = embed_examples(model, val, device)
    metrics = {}
    for source in sorted({e.source for e in val}):
        idx = [i for i, e in enumerate(val) if e.source == source]
        sub = [val[i] for i in idx]
        m, mm = matched_mismatched(a[idx], t[idx], sub)
        rng = random.Random(0)
        subs = [inventory.encode(substitute(e.phones, 0.2, inventory.phonemes, rng))[0] for e in sub]
        ids, ilen = _pad(subs, torch.long)
        with torch.no_grad():
            model.eval()
            ts = model.text(ids.to(device), ilen.to(device)).cpu().numpy()
            model.train()
        drop = float(np.mean((a[idx] * ts).sum(1) < m))
        metrics[source] = {"auc": roc_auc(m, mm), "drop20": drop, "matched_mean": float(m.mean())}
    return metrics


# ---------------------------------------------------------------- training
def _device(name: str) -> str:
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: PyTorch sees no CUDA device here; use --device cpu")
    return name


def _lr(step: int, cfg: TrainConfig) -> float:
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    progress = min(1.0, (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup))
    return cfg.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))


def train(cfg: TrainConfig, resume: bool = False, say: Callable[[str], None] = print, progress=None) -> Path:
    """Run the whole pipeline; return the exported model folder."""
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    device = _device(cfg.device)
    cfg.out.mkdir(parents=True, exist_ok=True)
    (cfg.out / "config.json").write_text(json.dumps(cfg.to_json(), indent=2))
    t0 = time.time()
    groups, val, inventory = prepare_data(cfg, say)
    hours = {k: sum(len(e.wave) for e in v[0]) / SAMPLE_RATE / 3600 for k, v in groups.items()}
    say("training data: " + ", ".join(f"{k} {len(v[0])} utts {hours[k]:.2f} h" for k, v in groups.items())
        + f"; inventory {len(inventory.phonemes)} phonemes; device {device}")
    dims = ModelDims(vocab_size=len(inventory.tokens), width=cfg.width, audio_layers=cfg.audio_layers,
                     text_layers=cfg.text_layers, embed_dim=cfg.embed_dim)
    model = Scraps(dims).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.05)
    ckpt_path = cfg.out / "checkpoint.pt"
    step, history = 0, []
    rng = random.Random(cfg.seed)
    if resume and ckpt_path.exists():
        ckpt = torch.load(ckpt_path, map_location=device, weights_only=False)
        if list(ckpt["inventory"]) != list(inventory.tokens):
            raise ValueError("--resume: the data's phoneme inventory differs from the checkpoint's; same data needed")
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        step, history = ckpt["step"], ckpt["history"]
        rng.setstate(ckpt["rng"])
        torch.set_rng_state(ckpt["torch_rng"])
        say(f"resumed from {ckpt_path} at step {step}")
    batcher = Batcher(groups, inventory, cfg)
    n_params = sum(p.numel() for p in model.parameters())
    say(f"model: {n_params / 1e6:.2f} M parameters")

    def save() -> None:
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step, "history": history,
                    "rng": rng.getstate(), "torch_rng": torch.get_rng_state(), "inventory": list(inventory.tokens),
                    "dims": dims.to_dict(), "config": cfg.to_json()}, ckpt_path)

    train_start = time.time()
    loss_avg = acc_avg = None
    model.train()
    while step < cfg.steps:
        if cfg.max_minutes and (time.time() - train_start) / 60 > cfg.max_minutes:
            say(f"time limit of {cfg.max_minutes} min reached at step {step}")
            break
        ramp = min(1.0, step / max(1.0, cfg.curriculum * cfg.steps)) if cfg.curriculum > 0 else 1.0
        wav, wlen, ids, ilen, same, hard = batcher.next(rng, ramp)
        for g in opt.param_groups:
            g["lr"] = _lr(step, cfg)
        a = model.audio(wav.to(device), wlen.to(device))
        t = model.text(ids.to(device), ilen.to(device))
        h = model.text(hard[0].to(device), hard[1].to(device)) if hard else None
        loss, acc = clip_loss(a, t, h, same.to(device), model.logit_scale)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        loss_avg = loss.item() if loss_avg is None else 0.98 * loss_avg + 0.02 * loss.item()
        acc_avg = acc.item() if acc_avg is None else 0.98 * acc_avg + 0.02 * acc.item()
        if progress:
            progress(step, cfg.steps, loss_avg, acc_avg)
        if step % cfg.val_every == 0 or step == cfg.steps:
            metrics = validate(model, val, inventory, device) if val else {}
            history.append({"step": step, "loss": loss_avg, "acc": acc_avg, "minutes": (time.time() - t0) / 60,
                            "val": metrics})
            say(f"step {step}: loss {loss_avg:.3f} acc {acc_avg:.3f} " + " ".join(
                f"[{k} auc {v['auc']:.3f} drop20 {v['drop20']:.2f}]" for k, v in metrics.items()))
            save()
    save()
    train_minutes = (time.time() - train_start) / 60
    return export_model(model.cpu(), val, inventory, cfg, say, {
        "steps": step, "train_minutes": round(train_minutes, 1), "total_minutes": round((time.time() - t0) / 60, 1),
        "parameters": n_params, "device": device, "hours": {k: round(v, 2) for k, v in hours.items()},
        "utterances": {k: len(v[0]) for k, v in groups.items()}, "config": cfg.to_json(),
        "last_validation": history[-1]["val"] if history else {},
    })


def export_model(model: Scraps, val: list[Example], inventory: Inventory, cfg: TrainConfig,
                 say: Callable[[str], None], training: dict) -> Path:
    out = cfg.out / "export" / cfg.name
    export_onnx(model, out)
    sample = val[:8] if val else []
    if sample:
        wav, wlen = _pad([e.wave for e in sample], torch.float32)
        ids, ilen = _pad([e.ids for e in sample], torch.long)
        diff = parity(model, out, wav, wlen, ids, ilen)
        say(f"ONNX parity with PyTorch: max abs difference {diff:.2e}")
        if diff > 1e-3:
            raise RuntimeError(f"exported ONNX differs from PyTorch by {diff:.2e}; not exporting a broken model")
        training["onnx_parity_max_abs_diff"] = diff
        a, t = embed_examples(model, val, "cpu")
        matched, mismatched = matched_mismatched(a, t, val)
    else:
        matched, mismatched = np.array([0.5]), np.array([0.0])
    write_sidecar(out, cfg.name, inventory, cfg.embed_dim, matched, mismatched, training)
    say(f"exported {out}")
    if cfg.install_to:
        install_model(out, cfg.install_to)
        say(f"installed into {cfg.install_to}")
    return out
