"""Reports: stream rows to CSV, JSON Lines or Parquet; read them back; summarise.

CSV and JSON Lines are flushed row by row, so a killed run leaves every scored
row on disk. Parquet is written in row groups and closed on Ctrl-C.
"""

from __future__ import annotations

import csv
import json
import math
import os
import statistics
from dataclasses import dataclass, field, fields
from pathlib import Path

from .api import UtteranceScore

COLUMNS = [f.name for f in fields(UtteranceScore)]
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet"}


def report_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"--out {path}: use a .csv, .jsonl (JSON Lines) or .parquet file name")
    return fmt


class ReportWriter:
    """Writes rows as they come; use as a context manager so the file is always closed."""

    def __init__(self, path: Path, group_rows: int = 512):
        self.path = path
        self.format = report_format(path)
        self.group_rows = group_rows
        self._pending: list[dict] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.format == "parquet":
            self._writer = None
        else:
            self._fh = path.open("w", newline="", encoding="utf-8")
            if self.format == "csv":
                self._csv = csv.DictWriter(self._fh, fieldnames=COLUMNS)
                self._csv.writeheader()

    def write(self, row: UtteranceScore | dict) -> None:
        d = row.to_dict() if isinstance(row, UtteranceScore) else {k: row.get(k) for k in COLUMNS}
        if self.format == "csv":
            self._csv.writerow(d)
            self._fh.flush()
        elif self.format == "jsonl":
            self._fh.write(json.dumps(d, ensure_ascii=False) + "\n")
            self._fh.flush()
        else:
            self._pending.append(d)
            if len(self._pending) >= self.group_rows:
                self._flush_parquet()

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c, pa.float64() if c in ("duration_s", "score", "calibrated") else pa.string())
                            for c in COLUMNS])
        if self._writer is None:
            self._writer = pq.ParquetWriter(str(self.path), schema)
        if self._pending:
            self._writer.write_table(pa.Table.from_pylist(self._pending, schema=schema))
            self._pending = []

    def close(self) -> None:
        if self.format == "parquet":
            self._flush_parquet()
            self._writer.close()
        else:
            self._fh.close()

    def __enter__(self) -> "ReportWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_report(path: Path) -> list[dict]:
    """Rows of a report in any supported format (missing numbers come back as None)."""
    import pandas as pd

    fmt = report_format(path)
    if fmt == "csv":
        df = pd.read_csv(path, dtype={"id": str, "path": str, "text": str}, keep_default_na=False,
                         na_values={"score": [""], "calibrated": [""], "duration_s": [""]})
    elif fmt == "jsonl":
        df = pd.read_json(path, lines=True, dtype={"id": str})
    else:
        df = pd.read_parquet(path)
    rows = df.to_dict("records")
    for r in rows:
        for k, v in r.items():
            if isinstance(v, float) and math.isnan(v):
                r[k] = None if k in ("duration_s", "score", "calibrated") else ""
    return rows


def keep_rows_for_resume(path: Path) -> list[dict]:
    """Read the old report and rewrite it with only its scored rows; return them.

    Error rows are dropped so those utterances are tried again.
    """
    rows = [r for r in read_report(path) if r.get("status") == "ok"]
    tmp = path.with_name(path.name + ".tmp" + path.suffix)
    with ReportWriter(tmp) as w:
        for r in rows:
            w.write(r)
    os.replace(tmp, path)
    return rows


@dataclass
class Summary:
    """Running totals for the end-of-run table; keeps scores and the few worst rows, not all rows."""

    total: int = 0
    scores: list[float] = field(default_factory=list)
    n_failed: int = 0
    _worst: list[tuple[float, str, dict]] = field(default_factory=list)

    def add(self, row: UtteranceScore | dict) -> None:
        d = row.to_dict() if isinstance(row, UtteranceScore) else row
        self.total += 1
        if d["status"] == "ok":
            self.scores.append(d["score"])
            self._worst.append((d["score"], str(d["id"]), d))
            if len(self._worst) > 50:
                self._worst = sorted(self._worst, key=lambda w: w[:2])[:5]
        else:
            self.n_failed += 1

    def worst(self, n: int = 5) -> list[dict]:
        return [w[2] for w in sorted(self._worst, key=lambda w: w[:2])[:n]]

    def stats(self) -> dict:
        s = self.scores
        return {
            "count": self.total,
            "scored": len(s),
            "failed": self.n_failed,
            "mean": round(statistics.fmean(s), 4) if s else None,
            "median": round(statistics.median(s), 4) if s else None,
            "min": round(min(s), 4) if s else None,
        }
