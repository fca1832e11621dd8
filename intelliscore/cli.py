"""The ``intelliscore`` command line. Heavy imports happen inside commands so --help is instant."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="Score how intelligible speech recordings are against the text they should say.\n\n"
    "Typical use: [bold]intelliscore score wavs/ --text transcripts.csv --out report.csv[/bold]",
)

# Exit codes (documented in docs/cli.md).
EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_ROW_ERRORS, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"intelliscore {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Score how intelligible speech recordings are against the text they should say."""


def _err(message: str) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)


class GateOn(str, Enum):
    score = "score"
    calibrated = "calibrated"


def _load_scorer(model: Optional[Path], device: Device, threads: Optional[int], language: Optional[str] = None,
                 batch_size: int = 16):
    from .api import Scorer
    from .model import ModelError

    try:
        return Scorer.load(model, device=device.value, threads=threads, language=language, batch_size=batch_size)
    except ModelError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE)


MODEL_OPT = typer.Option(None, "--model", "-m", envvar="INTELLISCORE_MODEL",
                         help="Model folder (model.json + two .onnx). Default: the shipped model.")
DEVICE_OPT = typer.Option(Device.auto, "--device", help="auto: CUDA when usable, else CPU.")
THREADS_OPT = typer.Option(None, "--threads", help="CPU threads for ONNX Runtime (default: all cores).")


@app.command()
def score(
    paths: Optional[List[Path]] = typer.Argument(None, help="Audio files and/or folders (searched recursively). "
                                                 "May be left out when --text is a CSV of paths."),
    text: Optional[str] = typer.Option(None, "--text", "-t", help="Transcripts: a CSV with path or id and text "
                                       "columns, LJSpeech id|text metadata, or a literal sentence for one file. "
                                       "Without it, NAME.txt or NAME.lab beside each audio file is used."),
    out: Path = typer.Option(Path("intelliscore-report.csv"), "--out", "-o",
                             help="Report file: .csv, .jsonl or .parquet (by extension)."),
    json_out: bool = typer.Option(False, "--json", help="Also print each row as a JSON line on stdout "
                                  "(the summary then goes to stderr)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no tables."),
    resume: bool = typer.Option(False, "--resume", help="Keep the scored rows already in --out and score only "
                                "the rest (error rows are retried)."),
    fail_under: Optional[float] = typer.Option(None, help="Gate: fail (exit 1) if any utterance scores below this "
                                               "or cannot be scored."),
    min_mean: Optional[float] = typer.Option(None, help="Gate: fail (exit 1) if the mean score is below this."),
    gate_on: GateOn = typer.Option(GateOn.calibrated, help="Which score the gates use: calibrated (0-100) or raw "
                                   "score (cosine, -1..1)."),
    junit: Optional[Path] = typer.Option(None, help="Also write JUnit XML: one test case per utterance."),
    markdown: Optional[Path] = typer.Option(None, help="Also write a Markdown summary (e.g. for "
                                            "$GITHUB_STEP_SUMMARY; filled automatically on GitHub Actions)."),
    language: Optional[str] = typer.Option(None, help="espeak-ng language for the text (default: the model's, en-us)."),
    encoding: str = typer.Option("utf-8", help="Encoding of the transcript file (a UTF-8 BOM is fine)."),
    allow_outside: bool = typer.Option(False, "--allow-outside", help="Allow CSV paths outside the given folders."),
    model: Optional[Path] = MODEL_OPT,
    device: Device = DEVICE_OPT,
    threads: Optional[int] = THREADS_OPT,
    batch_size: int = typer.Option(16, help="Utterances per model call."),
) -> None:
    """Score recordings against their transcripts and write a report.

    Each row has id, path, text, phonemes, duration_s, score (cosine of the
    audio and phoneme embeddings, -1..1), calibrated (0-100: how sure the model
    is that the audio says the text), status (ok/error) and error. Files that
    cannot be scored get an error row; the rest are still scored.

    Exit codes: 0 all scored; 1 a --fail-under/--min-mean gate failed;
    2 usage or input error (nothing scored); 3 some rows are errors;
    130 interrupted (the report holds every row scored so far: rerun with --resume).

    Examples:

      intelliscore score wavs/ --text transcripts.csv --out report.csv

      intelliscore score hello.wav --text "Hello world"

      intelliscore score wavs/ --text metadata.csv --fail-under 50 --quiet
    """
    import json

    from rich.console import Console

    from .ci import Gate
    from .report import ReportWriter, Summary, keep_rows_for_resume, report_format
    from .transcripts import InputError, build_items

    console = Console(stderr=True)
    try:
        report_format(out)
        items = build_items(list(paths or []), text, encoding=encoding, allow_outside=allow_outside)
    except (InputError, ValueError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE)
    if not items:
        _err("nothing to score: the transcripts list no files")
        raise typer.Exit(EXIT_USAGE)
    done: list[dict] = []
    if resume and out.exists():
        try:
            done = keep_rows_for_resume(out)
        except Exception as exc:  # a report we cannot parse: say so rather than overwrite it
            _err(f"--resume: cannot read {out} ({exc}); move it away or drop --resume")
            raise typer.Exit(EXIT_USAGE)
        done_ids = {str(r["id"]) for r in done}
        items = [it for it in items if it.id not in done_ids]
    scorer = _load_scorer(model, device, threads, language, batch_size)
    summary = Summary()
    for r in done:
        summary.add(r)
    gate = Gate(gate_on.value, fail_under, min_mean)
    interrupted = False
    with ReportWriter(out) as writer, _progress(console, len(items), quiet) as advance:
        for r in done:  # rows kept by --resume
            writer.write(r)
        try:
            for row in scorer.score_many(items):
                writer.write(row)
                summary.add(row)
                if json_out:
                    sys.stdout.write(json.dumps(row.to_dict(), ensure_ascii=False) + "\n")
                    sys.stdout.flush()
                if not row.ok and not quiet:
                    console.print(f"error {row.id}: {row.error}", highlight=False, markup=False)
                advance()
        except KeyboardInterrupt:
            interrupted = True
    stats = summary.stats()
    if interrupted:
        _err(f"interrupted: {stats['count']} rows are in {out}; rerun with --resume to finish")
        raise typer.Exit(EXIT_INTERRUPTED)
    _finish(out, stats, summary.worst(5), gate, scorer.model.name, scorer.model.provider, junit, markdown,
            quiet, json_out)


def _finish(out: Path, stats: dict, worst: list[dict], gate, model_name: str, provider: str,
            junit: Optional[Path], markdown: Optional[Path], quiet: bool, json_out: bool) -> None:
    """Gate, CI outputs, summary and exit code for a finished report."""
    import os

    from rich.console import Console

    from .ci import publish
    from .report import read_report

    needs_rows = gate.active or junit or markdown or os.environ.get("GITHUB_ACTIONS") == "true"
    rows = read_report(out) if needs_rows else []
    if gate.active:
        gate.check(rows)
    publish(rows, stats, worst, gate, model_name, junit=junit, markdown=markdown, echo=typer.echo)
    if not quiet:
        _print_summary(Console(stderr=json_out), stats, worst, out, f"{model_name}, {provider}", gate)
    if gate.active and not gate.passed:
        raise typer.Exit(EXIT_GATE)
    if stats["failed"]:
        raise typer.Exit(EXIT_ROW_ERRORS)


class _progress:
    """Rich progress bar on stderr; a no-op when quiet."""

    def __init__(self, console, total: int, quiet: bool):
        self.console, self.total, self.quiet = console, total, quiet

    def __enter__(self):
        if self.quiet:
            return lambda: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("[bold]scoring"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=self.console, transient=True)
        self.bar.__enter__()
        task = self.bar.add_task("score", total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc):
        if not self.quiet:
            self.bar.__exit__(*exc)


def _print_summary(console, stats: dict, worst: list[dict], out: Path, title: str, gate) -> None:
    from rich.table import Table

    table = Table(title=f"intelliscore ({title})")
    for col in ("utterances", "scored", "failed", "mean", "median", "min"):
        table.add_column(col, justify="right")
    table.add_row(*(str(stats[k]) if stats[k] is not None else "-" for k in
                    ("count", "scored", "failed", "mean", "median", "min")))
    console.print(table)
    if worst:
        wt = Table(title="lowest scores")
        for col in ("id", "score", "calibrated", "text"):
            wt.add_column(col)
        for w in worst:
            txt = str(w["text"])
            wt.add_row(str(w["id"]), f"{w['score']:.3f}", f"{w['calibrated']:.1f}",
                       (txt[:60] + "...") if len(txt) > 60 else txt)
        console.print(wt)
    if stats["failed"]:
        console.print(f"{stats['failed']} not scored: see the error column", style="red", highlight=False)
    if gate.active:
        if gate.failures:
            console.print(f"GATE FAILED: {len(gate.failures)} problem(s)", style="bold red")
            for g in gate.failures[:20]:
                console.print(f"  {g}", highlight=False, markup=False)
        else:
            console.print("GATE PASSED", style="bold green")
    console.print(f"report: {out}", highlight=False)


def _read_rows(path: Path) -> list[dict]:
    from .report import read_report

    if not path.is_file():
        _err(f"report {path} not found")
        raise typer.Exit(EXIT_USAGE)
    try:
        return read_report(path)
    except (ValueError, KeyError, OSError) as exc:
        _err(f"cannot read report {path}: {exc}")
        raise typer.Exit(EXIT_USAGE)


@app.command()
def report(
    report_file: Path = typer.Argument(..., metavar="REPORT", help="A report written by `intelliscore score`."),
    html_out: Optional[Path] = typer.Option(None, "--html", help="Write one self-contained HTML file here."),
    junit: Optional[Path] = typer.Option(None, help="Write JUnit XML (one test case per utterance)."),
    markdown: Optional[Path] = typer.Option(None, help="Write a Markdown summary."),
    fail_under: Optional[float] = typer.Option(None, help="Gate: fail (exit 1) if any utterance is below this."),
    min_mean: Optional[float] = typer.Option(None, help="Gate: fail (exit 1) if the mean is below this."),
    gate_on: GateOn = typer.Option(GateOn.calibrated, help="calibrated (0-100) or score (raw cosine)."),
    words: int = typer.Option(10, help="For this many of the lowest-scoring utterances, find the weakest words "
                              "(needs the model and the audio files; 0 to skip)."),
    worst: int = typer.Option(20, help="How many of the lowest-scoring utterances to show with audio."),
    model: Optional[Path] = MODEL_OPT,
) -> None:
    """Summarise an existing report: gate it, and write HTML, JUnit XML or Markdown.

    Example: intelliscore report report.csv --html report.html --fail-under 50
    """
    from .ci import Gate, publish
    from .report import Summary

    rows = _read_rows(report_file)
    summary = Summary()
    for r in rows:
        summary.add(r)
    stats = summary.stats()
    gate = Gate(gate_on.value, fail_under, min_mean)
    if gate.active:
        gate.check(rows)
    model_name = "report"
    weak: dict = {}
    if html_out and words > 0:
        from .api import AudioError, PhonemizeError, word_contributions

        scorer = _load_scorer(model, Device.auto, None)
        model_name = scorer.model.name
        lowest = sorted((r for r in rows if r.get("status") == "ok"), key=lambda r: r["score"])[:words]
        for r in lowest:
            try:
                weak[r["id"]] = word_contributions(scorer, r["path"], str(r["text"]))
            except (AudioError, PhonemizeError):
                continue
    publish(rows, stats, summary.worst(5), gate, model_name, junit=junit, markdown=markdown, echo=typer.echo)
    if html_out:
        from .html_report import render

        html_out.write_text(render(rows, stats, gate, f"intelliscore report: {report_file.name}", worst, weak),
                            encoding="utf-8")
        typer.echo(f"html: {html_out}", err=True)
    from rich.console import Console

    _print_summary(Console(stderr=True), stats, summary.worst(5), report_file, model_name, gate)
    if gate.active and not gate.passed:
        raise typer.Exit(EXIT_GATE)


@app.command()
def compare(
    old: Path = typer.Argument(..., help="Report of the reference run (e.g. the previous checkpoint)."),
    new: Path = typer.Argument(..., help="Report of the run to check."),
    max_drop: Optional[float] = typer.Option(None, help="Gate: fail (exit 1) if any utterance drops by more than this."),
    max_mean_drop: Optional[float] = typer.Option(None, help="Gate: fail (exit 1) if the mean drops by more than this."),
    on: GateOn = typer.Option(GateOn.calibrated, help="Compare calibrated (0-100) or score (raw cosine)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write per-utterance differences to this CSV."),
    show: int = typer.Option(10, help="How many of the largest drops to list."),
) -> None:
    """Per-utterance and overall differences between two reports (a regression check between checkpoints).

    Utterances are matched by id. Ones present in only one report, or scored in
    only one, are counted and listed. Exit 1 when a --max-drop/--max-mean-drop
    gate fails, 2 for unreadable input.
    """
    import csv
    import statistics

    from rich.console import Console
    from rich.table import Table

    key = on.value
    a = {str(r["id"]): r for r in _read_rows(old)}
    b = {str(r["id"]): r for r in _read_rows(new)}
    both = [i for i in a if i in b and a[i].get("status") == "ok" and b[i].get("status") == "ok"]
    newly_failed = [i for i in a if i in b and a[i].get("status") == "ok" and b[i].get("status") != "ok"]
    diffs = sorted(((b[i][key] - a[i][key], i) for i in both))
    console = Console()
    table = Table(title=f"compare {old.name} -> {new.name} ({key})")
    for col in ("utterances", "only old", "only new", "newly not scored", "mean old", "mean new", "mean change",
                "worse", "better"):
        table.add_column(col, justify="right")
    mean_old = statistics.fmean(a[i][key] for i in both) if both else None
    mean_new = statistics.fmean(b[i][key] for i in both) if both else None
    fmt = (lambda v: "-" if v is None else f"{v:.3f}")
    table.add_row(str(len(both)), str(len(set(a) - set(b))), str(len(set(b) - set(a))), str(len(newly_failed)),
                  fmt(mean_old), fmt(mean_new), fmt(None if mean_old is None else mean_new - mean_old),
                  str(sum(d < 0 for d, _ in diffs)), str(sum(d > 0 for d, _ in diffs)))
    console.print(table)
    if diffs and show:
        t = Table(title="largest drops")
        for col in ("id", "old", "new", "change", "text"):
            t.add_column(col)
        for d, i in diffs[:show]:
            t.add_row(i, f"{a[i][key]:.3f}", f"{b[i][key]:.3f}", f"{d:+.3f}", str(b[i]["text"])[:60])
        console.print(t)
    if out:
        with out.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", f"old_{key}", f"new_{key}", "change", "text"])
            for d, i in diffs:
                w.writerow([i, a[i][key], b[i][key], round(d, 5), b[i]["text"]])
    failures = [f"{i}: {key} dropped {-d:.3f}" for d, i in diffs if max_drop is not None and -d > max_drop]
    failures += [f"{i}: scored before, not scored now" for i in newly_failed if max_drop is not None]
    if max_mean_drop is not None and mean_old is not None and mean_old - mean_new > max_mean_drop:
        failures.append(f"mean {key} dropped {mean_old - mean_new:.3f}")
    if max_drop is not None or max_mean_drop is not None:
        if failures:
            console.print(f"GATE FAILED: {len(failures)} problem(s)", style="bold red")
            for f in failures[:20]:
                console.print(f"  {f}", highlight=False, markup=False)
            raise typer.Exit(EXIT_GATE)
        console.print("GATE PASSED", style="bold green")


@app.command()
def info(
    model: Optional[Path] = MODEL_OPT,
    device: Device = DEVICE_OPT,
    json_out: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show the model, ONNX Runtime, and which execution provider is actually used."""
    import json

    import onnxruntime as ort

    from .phonemes import espeak_version

    scorer = _load_scorer(model, device, None)
    meta = scorer.model.meta
    facts = {
        "model": str(scorer.model.path),
        "name": meta.get("name"),
        "version": meta.get("version"),
        "phonemes": len(scorer.model.inventory.phonemes),
        "embedding_size": meta.get("embedding_size"),
        "sample_rate": meta.get("sample_rate"),
        "espeak_voice": meta.get("espeak_voice"),
        "espeak_version": espeak_version(),
        "espeak_version_trained": meta.get("espeak_version"),
        "onnxruntime": ort.__version__,
        "providers_available": ort.get_available_providers(),
        "provider_used": scorer.model.provider,
    }
    if json_out:
        typer.echo(json.dumps(facts, indent=2))
        return
    for k, v in facts.items():
        typer.echo(f"{k:24} {', '.join(v) if isinstance(v, list) else v}")


@app.command()
def phonemize(
    text: str = typer.Argument(..., help="Text to phonemize, e.g. \"Dr. Smith paid $5.\""),
    language: str = typer.Option("en-us", help="espeak-ng language."),
    model: Optional[Path] = MODEL_OPT,
) -> None:
    """Print the phonemes the model hears for TEXT ('|' between words) and any it does not know."""
    from .model import default_model_dir
    from .phonemes import Inventory, PhonemizeError, phonemize as to_phones

    try:
        phones = to_phones(text, language)
    except PhonemizeError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE)
    typer.echo(" ".join(phones))
    import json

    sidecar = Path(model or default_model_dir()) / "model.json"
    if sidecar.is_file():
        inventory = Inventory(tuple(json.loads(sidecar.read_text(encoding="utf-8"))["phonemes"]))
        _, unknown = inventory.encode(phones)
        if unknown:
            typer.secho(f"unknown to the model (scored as <unk>): {' '.join(sorted(set(unknown)))}", err=True,
                        fg=typer.colors.YELLOW)


@app.command()
def evaluate(
    manifest: Path = typer.Argument(..., help="CSV with path,text columns (optional voice column: engine:name, "
                                    "used to re-synthesize the drop-a-word fault)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for results.json (and PNG plots when "
                                       "matplotlib is installed)."),
    seed: int = typer.Option(0, help="Seed of the derangement, noise and faults."),
    limit: Optional[int] = typer.Option(None, help="Use only the first N rows."),
    model: Optional[Path] = MODEL_OPT,
    device: Device = DEVICE_OPT,
    threads: Optional[int] = THREADS_OPT,
) -> None:
    """Measure a model on a manifest with the evaluation protocol (docs/benchmarks.md, sections 1-4).

    Matched vs mismatched AUC and top-1 retrieval in pools of 100; phoneme
    sensitivity at 10/20/40% substitution; noise robustness at alpha 0.25/0.5/0.75;
    broken-output detection (truncation, silence, speed, other audio, noise,
    digital silence, and a dropped word for synthetic sets with a voice column).
    """
    import json

    from rich.console import Console
    from rich.table import Table

    from .evaluate import evaluate as run_eval, read_manifest

    console = Console(stderr=True)
    scorer = _load_scorer(model, device, threads)
    if not manifest.is_file():
        _err(f"manifest {manifest} not found")
        raise typer.Exit(EXIT_USAGE)
    data, skipped = read_manifest(manifest, scorer, limit)
    console.print(f"{len(data.texts)} utterances ({skipped} skipped: unreadable or no phonemes)")
    drop_word = None
    if any(":" in v for v in data.voices):
        from .evaluate_synth import drop_word_faults

        drop_word = drop_word_faults
    try:
        result = run_eval(scorer, data, seed=seed, synth_drop_word=drop_word, say=lambda m: console.print(m))
    except ValueError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE)
    result["manifest"] = str(manifest)
    table = Table(title=f"{manifest} ({result['utterances']} utterances, seed {seed})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    mm = result["matched_mismatched"]
    table.add_row("matched vs mismatched AUC", f"{mm['auc']:.4f}")
    table.add_row(f"top-1 retrieval (pools of {mm['pool_size']})", f"{mm['top1_pool100']:.3f}")
    for rate, v in result["phoneme_sensitivity"].items():
        table.add_row(f"substitution {float(rate):.0%}: drop rate / rel. drop",
                      f"{v['drop_rate']:.3f} / " + (f"{v['mean_relative_drop']:.3f}"
                                                    if v["mean_relative_drop"] is not None else "-"))
    for alpha, v in result["noise"].items():
        table.add_row(f"noise alpha {alpha}: rel. drop / AUC", f"{v['relative_drop']:.3f} / {v['auc']:.3f}")
    for kind, v in result["broken_output"]["faults"].items():
        table.add_row(f"fault {kind}: AUC / caught", f"{v['auc']:.3f} / {v['caught']:.3f}")
    Console().print(table)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(result, indent=1))
        try:
            from .plots import write_plots

            write_plots(result, out)
        except ImportError:
            console.print("matplotlib is not installed: wrote results.json without plots")
        console.print(f"results: {out / 'results.json'}")


@app.command()
def train(
    out: Path = typer.Argument(..., help="Work folder: corpus, checkpoint, held-out manifests and export/ go here."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="TOML file with any TrainConfig keys; flags override it."),
    data: Optional[List[str]] = typer.Option(None, "--data", help="Real speech, KIND:PATH[:WEIGHT] with KIND csv (path,text[,speaker]), ljspeech or librispeech. Repeatable."),
    synthetic: Optional[int] = typer.Option(None, help="Built-in synthetic utterances to generate (0 for none). Default 12000."),
    synthetic_weight: Optional[float] = typer.Option(None, help="Sampling weight of the synthetic corpus against --data weights."),
    engines: Optional[str] = typer.Option(None, help="Comma-separated synthetic engines: espeak (always there), flite (if installed)."),
    steps: Optional[int] = typer.Option(None, help="Optimizer steps (the learning-rate schedule spans them)."),
    max_minutes: Optional[float] = typer.Option(None, help="Stop training after this many minutes even if steps remain."),
    batch_size: Optional[int] = typer.Option(None, help="Utterances per step."),
    device: Device = typer.Option(Device.auto, help="auto uses CUDA when PyTorch sees a GPU."),
    seed: Optional[int] = typer.Option(None, help="Seed for data, augmentation and initialisation."),
    install_to: Optional[Path] = typer.Option(None, help="Also copy the exported model here, e.g. models/intelliscore-base."),
    resume: bool = typer.Option(False, "--resume", help="Continue from OUT/checkpoint.pt."),
) -> None:
    """Train the phoneme and audio encoders and export them to ONNX (needs: pip install 'intelliscore\[train]').

    Builds the synthetic corpus with espeak-ng from espeakng-loader (plus flite if
    installed), mixes in real speech from --data, holds out every 5th speaker of
    each real source (test manifests land in OUT), trains with symmetric InfoNCE
    and hard negatives, and exports OUT/export/NAME with its sidecar.
    """
    try:
        import torch  # noqa: F401
    except ImportError:
        _err("training needs PyTorch: pip install 'intelliscore[train]' (or '.[train]' in a checkout)")
        raise typer.Exit(EXIT_USAGE)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from .train.loop import TrainConfig, train as run_training

    overrides = dict(out=out, data=data or None, synthetic=synthetic, synthetic_weight=synthetic_weight,
                     engines=engines.split(",") if engines else None, steps=steps, max_minutes=max_minutes,
                     batch_size=batch_size, device=device.value, seed=seed, install_to=install_to)
    try:
        if config:
            cfg = TrainConfig.from_toml(config, **overrides)
        else:
            cfg = TrainConfig.build(**{k: v for k, v in overrides.items() if v is not None})
    except (ValueError, TypeError, OSError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE)
    console = Console(stderr=True)
    with Progress(TextColumn("[bold]train"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TextColumn("{task.fields[stats]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=console, transient=False) as bar:
        task = bar.add_task("train", total=cfg.steps, stats="")

        def progress(step: int, total: int, loss: float, acc: float) -> None:
            bar.update(task, completed=step, stats=f"loss {loss:.3f} acc {acc:.2f}")

        try:
            exported = run_training(cfg, resume=resume, progress=progress,
                                    say=lambda m: bar.console.print(m, markup=False, highlight=False))
        except (ValueError, FileNotFoundError) as exc:
            _err(str(exc))
            raise typer.Exit(EXIT_USAGE)
    console.print(f"model: {exported}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
