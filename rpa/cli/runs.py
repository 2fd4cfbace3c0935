"""`rpa runs list|show`: the supervisor's morning review of what ran."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from rpa.cli.common import console, print_json, reports_errors

app = typer.Typer(help="Review runs: what ran, what failed and why, with evidence.", no_args_is_help=True)

RunsDirOption = Annotated[Path | None, typer.Option("--runs-dir", help="Where run folders are (default: runs/).")]


@app.command("list")
@reports_errors
def list_command(
    since: Annotated[str | None, typer.Option("--since", help="Only runs started on or after this date (YYYY-MM-DD).")] = None,
    payer: Annotated[str | None, typer.Option("--payer")] = None,
    status: Annotated[str | None, typer.Option("--status", help="completed, stopped, interrupted, running.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 30,
    runs_dir: RunsDirOption = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recent runs, newest first."""
    from rpa.queries import parse_date
    from rpa.review import list_runs
    from rpa.settings import load_settings

    settings = load_settings(runs_dir=runs_dir)
    since_date: date | None = parse_date(since) if since else None
    runs = list_runs(settings.runs_dir, since=since_date, payer=payer, status=status, limit=limit)
    if json_output:
        print_json([run.as_dict() for run in runs])
        return
    table = Table(title=f"Runs in {settings.runs_dir}")
    for column in (
        "run",
        "started",
        "task",
        "payers",
        "items",
        "found",
        "not found",
        "needs human",
        "failed",
        "rejected",
        "pending",
        "duration",
        "status",
        "exit",
    ):
        table.add_column(
            column,
            justify="right"
            if column in ("items", "found", "not found", "needs human", "failed", "rejected", "pending")
            else "left",
        )
    for run in runs:
        counts = run.counts
        table.add_row(
            run.run_id,
            run.started_at,
            run.task,
            ", ".join(run.payers),
            str(run.items),
            str(counts.get("found", 0)),
            str(counts.get("not_found", 0)),
            str(counts.get("needs_human", 0)),
            str(counts.get("failed", 0)),
            str(counts.get("rejected", 0)),
            str(counts.get("pending", 0)),
            f"{run.duration_s:.0f} s" if run.duration_s is not None else "",
            run.status,
            "" if run.exit_code is None else str(run.exit_code),
        )
    console.print(table)


@app.command("show")
@reports_errors
def show_command(
    run: Annotated[str, typer.Argument(help="Run id (or a unique prefix) or folder.")],
    failed: Annotated[bool, typer.Option("--failed", help="List failed and needs-human items with evidence.")] = False,
    runs_dir: RunsDirOption = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One run: summary, per payer, failures by reason, retries, slowest items."""
    from rpa.review import run_details, unanswered_items
    from rpa.run_store import RunStore
    from rpa.settings import load_settings

    store = RunStore.open(run, load_settings(runs_dir=runs_dir).runs_dir)
    if failed:
        items = unanswered_items(store)
        if json_output:
            print_json(items)
            return
        table = Table(title=f"Failed and needs-human items of {store.run_id}")
        for column in ("row", "item", "reference", "outcome", "attempts", "error", "evidence"):
            table.add_column(column)
        for item in items:
            error = item["error"] or {}
            evidence = "\n".join(str(store.path / path) for path in item["evidence"])
            table.add_row(
                str(item["row_number"]),
                item["item_id"],
                item["reference"],
                item["outcome"],
                str(item["attempts"]),
                f"{error.get('kind')}: {error.get('message')}",
                evidence,
            )
        console.print(table)
        return
    details = run_details(store)
    if json_output:
        print_json(details)
        return
    overview = details["overview"]
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    for label, value in (
        ("Run", overview["run_id"]),
        ("Folder", overview["path"]),
        ("Command", overview["command"]),
        ("Task", overview["task"]),
        ("Started", overview["started_at"]),
        ("Status", f"{overview['status']} (exit {overview['exit_code']})"),
        ("Counts", ", ".join(f"{k} {v}" for k, v in overview["counts"].items())),
        ("Duration", f"{overview['duration_s']} s"),
    ):
        head.add_row(label, str(value))
    console.print(head)
    for stop in details["stopped"]:
        console.print(f"[bold red]stopped[/] {stop['payer']} ({stop['kind']}): {stop['message']}\n  fix: {stop['fix']}")
    payers = Table(title="Per payer")
    for column in ("payer", "found", "not_found", "needs_human", "failed"):
        payers.add_column(column)
    for payer, counts in details["per_payer"].items():
        payers.add_row(payer, *(str(counts.get(c, 0)) for c in ("found", "not_found", "needs_human", "failed")))
    console.print(payers)
    if details["failures_by_reason"]:
        reasons = Table(title="Failures by reason")
        for column in ("count", "outcome", "kind", "reason"):
            reasons.add_column(column)
        for row in details["failures_by_reason"]:
            reasons.add_row(str(row["count"]), row["outcome"], row["kind"], row["reason"])
        console.print(reasons)
    if details["retries"]:
        console.print("Retries by reason: " + ", ".join(f"{k} {v}" for k, v in sorted(details["retries"].items())))
    slow = Table(title="Slowest items")
    for column in ("item", "reference", "outcome", "attempts", "ms"):
        slow.add_column(column)
    for item in details["slowest"]:
        slow.add_row(item["item_id"], item["reference"], item["outcome"], str(item["attempts"]), str(item["duration_ms"]))
    console.print(slow)
    if details["rejects"]:
        console.print(f"{len(details['rejects'])} rejected rows: see {store.path / 'rejects.csv'}")
