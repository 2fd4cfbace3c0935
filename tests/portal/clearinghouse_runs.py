"""Worklists of the clearinghouse's ground truth, run through the engine."""

from __future__ import annotations

from pathlib import Path

from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist
from rpa.runs.store import RunStore


def claim_rows(truth: list[dict], count: int, start: int = 0) -> list[dict]:
    fields = ("payer", "claim_number", "provider_npi", "provider_tax_id")
    return [{name: record["query"][name] for name in fields} for record in truth[start : start + count]]


def run(settings, rows: list[dict], folder: Path, name: str = "claims.csv"):
    summary = run_worklist(write_worklist(folder / name, rows), settings=settings)
    return summary, RunStore(summary.run_dir).results()


def altered_rows(truth: list[dict], suffix: str, count: int, start: int) -> list[dict]:
    """Rows for the altered flow's payers (`summit_altered`, ...)."""
    return [{**row, "payer": row["payer"] + suffix} for row in claim_rows(truth, count, start)]
