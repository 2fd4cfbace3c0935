"""`rpa runs list|show|report|export|prune` and `rpa followup`: the morning after a run."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from rpa.cli.common import console, print_json, reports_errors
from rpa.cli.render import OUTCOME_STYLES

app = typer.Typer(help="Review runs: what ran, what failed and why, with evidence.", no_args_is_help=True)

RunArgument = Annotated[str, typer.Argument(help="Run id (or a unique prefix) or folder.")]
RunsDirOption = Annotated[Path | None, typer.Option("--runs-dir", help="Where run folders are (default: runs/).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for programs instead of tables.")]
DaysOption = Annotated[int, typer.Option("--days", min=1, help="Follow-up: in process longer than this many days.")]
COUNTS = ("found", "not_found", "needs_human", "failed", "rejected", "pending")
WIDE_LIST = 150
"""Below this many columns `runs list` prints two lines a run instead of a table."""


class RunStatus(StrEnum):
    COMPLETED = "completed"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"
    RUNNING = "running"


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    X12 = "x12"
    FHIR = "fhir"


@app.command("list")
@reports_errors
def list_command(
    since: Annotated[str | None, typer.Option("--since", help="Only runs started on or after this date.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only runs started on or before this date.")] = None,
    payer: Annotated[str | None, typer.Option("--payer", help="Only runs that looked up this payer.")] = None,
    status: Annotated[RunStatus | None, typer.Option("--status", help="Only runs with this status.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 30,
    runs_dir: RunsDirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Recent runs, newest first."""
    from rpa.core.settings import load_settings
    from rpa.runs.review import list_runs

    settings = load_settings(runs_dir=runs_dir)
    runs = list_runs(
        settings.runs_dir,
        since=_date_option("--since", since),
        until=_date_option("--until", until),
        payer=payer.lower() if payer else None,
        status=status.value if status else None,
        limit=limit,
    )
    if json_output:
        print_json([run.as_dict() for run in runs])
        return
    if not runs:
        console.print(f"No runs in {settings.runs_dir} match.")
        return
    if console.width < WIDE_LIST:  # two lines a run, so the whole id (what `runs show` takes) is always there
        console.print(f"[bold]Runs in {settings.runs_dir}[/]", highlight=False)
        for run in runs:
            exit_code = "" if run.exit_code is None else f" (exit {run.exit_code})"
            console.print(f"{run.run_id}  {run.status}{exit_code}", highlight=False, soft_wrap=True)
            counts = ", ".join(
                f"{_count(name, count)} {name.replace('_', ' ')}" for name in COUNTS if (count := run.counts.get(name, 0))
            )
            took = f", {run.duration_s:.0f} s" if run.duration_s is not None else ""
            console.print(f"    {', '.join(run.payers)}: {run.items} items: {counts or 'none yet'}{took}", highlight=False)
        return
    table = Table(title=f"Runs in {settings.runs_dir}", box=box.SIMPLE_HEAD, padding=(0, 1))
    table.add_column("run (starts with when)", no_wrap=True)
    for column in ("task", "payers", "items", *COUNTS, "duration", "status"):
        table.add_column(column.replace("_", " "), justify="right" if column in ("items", *COUNTS) else "left")
    for run in runs:
        table.add_row(
            run.run_id,
            run.task,
            ", ".join(run.payers),
            str(run.items),
            *(_count(name, run.counts.get(name, 0)) for name in COUNTS),
            f"{run.duration_s:.0f} s" if run.duration_s is not None else "",
            run.status + ("" if run.exit_code is None else f" ({run.exit_code})"),
        )
    console.print(table)


@app.command("show")
@reports_errors
def show_command(
    run: RunArgument,
    failed: Annotated[bool, typer.Option("--failed", help="List failed and needs-human items with evidence.")] = False,
    runs_dir: RunsDirOption = None,
    json_output: JsonOption = False,
) -> None:
    """One run: summary, per payer, failures by reason, retries, slowest items."""
    from rpa.runs.review import run_details, unanswered_items

    store = _open(run, runs_dir)
    if failed:
        items = unanswered_items(store)
        if json_output:
            print_json([{**item, "evidence": [str(store.path / path) for path in item["evidence"]]} for item in items])
        else:
            _print_unanswered(store, items)
        return
    details = run_details(store)
    if json_output:
        print_json(details)
        return
    _print_details(store, details)


@app.command("report")
@reports_errors
def report_command(run: RunArgument, days: DaysOption = 30, runs_dir: RunsDirOption = None) -> None:
    """Write report.html into the run folder (one file, opens offline) and print its path."""
    from rpa.runs.report import write_report

    store = _open(run, runs_dir)
    path = write_report(store, _settings(runs_dir), in_process_days=days)
    typer.echo(str(path))


@app.command("export")
@reports_errors
def export_command(
    run: RunArgument,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-f", help="xlsx: one workbook; csv: one file per table; x12: a 277 or 271; fhir: a FHIR R4 Bundle."
        ),
    ] = ExportFormat.XLSX,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: in the run folder).")] = None,
    days: DaysOption = 30,
    separators: Annotated[
        str | None,
        typer.Option("--separators", help="x12: element, component, repetition, segment (default: the 276/270's, or *:^~)."),
    ] = None,
    runs_dir: RunsDirOption = None,
) -> None:
    """Results for a spreadsheet (a row per claim or member, adjustments or benefits, follow-up), or
    for the billing system: a 277/271 answering every request in its order, or a FHIR Bundle."""
    from rpa.runs.export import export_run

    store = _open(run, runs_dir)
    if fmt in (ExportFormat.X12, ExportFormat.FHIR):
        from rpa.interchange.envelope import Separators
        from rpa.interchange.export import export_interchange

        chosen = Separators.parse(separators) if separators else None
        typer.echo(str(export_interchange(store, fmt.value, output=output, separators=chosen)))
        return
    for path in export_run(store, fmt.value, _settings(runs_dir), output=output, in_process_days=days):
        typer.echo(str(path))


@app.command("prune")
@reports_errors
def prune_command(
    older_than: Annotated[str, typer.Option("--older-than", help="Age such as 90d or 12w, counted from the run's start.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be deleted.")] = False,
    runs_dir: RunsDirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Delete run folders (they hold PHI) older than the retention period."""
    from rpa.runs.retention import parse_age, prune_runs

    settings = _settings(runs_dir)
    pruned = prune_runs(settings.runs_dir, parse_age(older_than), dry_run=dry_run)
    if json_output:
        print_json({"dry_run": dry_run, "runs": [run.as_dict() for run in pruned]})
        return
    verb = "would be deleted" if dry_run else "deleted"
    for run in pruned:
        console.print(f"{run.run_id} (started {run.started_at}, {run.size_bytes / 1_000_000:.1f} MB) {verb}", highlight=False)
    console.print(f"{len(pruned)} run folders older than {older_than} {verb} in {settings.runs_dir}.", highlight=False)


@reports_errors
def followup(
    run: RunArgument,
    days: DaysOption = 30,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Count ages to this date (default: today).")] = None,
    runs_dir: RunsDirOption = None,
    json_output: JsonOption = False,
) -> None:
    """The follow-up list of a claim-status run: each claim in one queue with why and what next."""
    from rpa.runs.followup import build_followup

    store = _open(run, runs_dir)
    follow_up = build_followup(store, _settings(runs_dir), in_process_days=days, as_of=_date_option("--as-of", as_of))
    if json_output:
        print_json(follow_up.as_dict())
        return
    console.print(
        f"[bold]Follow-up for {store.run_id}[/]: {len(follow_up.items)} claims, {_money(follow_up.at_stake)} at stake "
        f"(as of {follow_up.as_of.isoformat()})",
        highlight=False,
    )
    if follow_up.unanswered:
        console.print(f"{follow_up.unanswered} items were not answered: see rpa runs show {store.run_id} --failed")
    for queue in follow_up.queues:
        table = Table(title=f"{queue['title']}: {queue['count']} claims, {_money(queue['at_stake'])}", title_justify="left")
        for column in ("claim", "patient", "service", "reason", "next step", "at stake"):
            table.add_column(column, justify="right" if column == "at stake" else "left")
        items = [item for item in follow_up.items if item.queue == queue["queue"]]
        if queue.get("groups"):
            items.sort(key=lambda item: [group["code"] for group in queue["groups"]].index(item.code))
        for item in items:
            step = f"[bold]{item.step}[/]: {item.action}"
            table.add_row(
                item.claim_number or "",
                item.patient_name or "",
                item.service_date_from.isoformat() if item.service_date_from else "",
                item.reason,
                step,
                _money(item.at_stake),
            )
        console.print(table)


# -- helpers ----------------------------------------------------------------------------------


def _settings(runs_dir: Path | None):
    from rpa.core.settings import load_settings

    return load_settings(runs_dir=runs_dir)


def _open(run: str, runs_dir: Path | None):
    from rpa.runs.store import RunStore

    return RunStore.open(run, _settings(runs_dir).runs_dir)


def _date_option(name: str, value: str | None) -> date | None:
    from rpa.core.errors import InputError
    from rpa.core.queries import parse_date

    try:
        return parse_date(value)
    except ValueError as error:
        raise InputError(f"{name}: {error}") from None


def _count(outcome: str, count: int) -> str:
    return f"[{OUTCOME_STYLES.get(outcome, 'white')}]{count}[/]" if count else "0"


def _money(value: Any) -> str:
    return f"${value:,.2f}"


def _print_unanswered(store, items: list[dict[str, Any]]) -> None:
    if not items:
        console.print(f"Every item of {store.run_id} was answered.")
        return
    table = Table(title=f"Failed and needs-human items of {store.run_id}")
    for column in ("row", "item", "reference", "outcome", "attempts", "error", "evidence"):
        table.add_column(column)
    for item in items:
        error = item["error"] or {}
        table.add_row(
            str(item["row_number"]),
            item["item_id"],
            item["reference"],
            f"[{OUTCOME_STYLES[item['outcome']]}]{item['outcome']}[/]",
            str(item["attempts"]),
            f"{error.get('kind')}: {error.get('message')}",
            "\n".join(str(store.path / path) for path in item["evidence"]),
        )
    console.print(table)


def _print_history(history: list[dict[str, Any]]) -> None:
    """The run's attempts as a timeline: each start, how it ended and what happened on the way."""
    table = Table(title="History", title_justify="left")
    for column in ("#", "started", "command", "ran with", "answered", "ended", "on the way"):
        table.add_column(column, justify="right" if column in ("#", "answered") else "left")
    for row in history:
        ran_with = ", ".join(f"{key} {value}" for key, value in row["arguments"].items() if value is not None)
        ended = f"{row['status']}" + (f" (exit {row['exit_code']})" if row["exit_code"] is not None else "")
        if row["interrupted_by"]:
            ended += f": {row['interrupted_by']}"
        ended += "".join(f"; {stop['portal']} stopped ({stop['kind']})" for stop in row["stopped"])
        happened = [
            f"{row[key]} {label}"
            for key, label in (
                ("retries", "retries"),
                ("sign_ins", "sign-ins"),
                ("session_renewals", "renewals"),
                ("dialogs", "dialogs"),
            )
            if row[key]
        ]
        if row["circuit_opened"]:
            happened.append("circuit opened")
        table.add_row(
            str(row["attempt"]),
            row["started_at"],
            row["command"],
            ran_with,
            f"{row['answered']}/{row['pending_at_start']}",
            ended,
            ", ".join(happened),
        )
    console.print(table)


def _print_details(store, details: dict[str, Any]) -> None:
    overview = details["overview"]
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    duration = overview["duration_s"]
    for label, value in (
        ("Run", overview["run_id"]),
        ("Folder", overview["path"]),
        ("Command", overview["command"]),
        ("Task", overview["task"]),
        ("Payers", ", ".join(overview["payers"])),
        ("Started", overview["started_at"]),
        ("Status", f"{overview['status']} (exit {overview['exit_code']})"),
        ("Items", f"{overview['items']}: " + ", ".join(f"{n.replace('_', ' ')} {overview['counts'].get(n, 0)}" for n in COUNTS)),
        ("Duration", f"{duration:.1f} s" if duration is not None else "—"),
    ):
        head.add_row(label, str(value))
    console.print(head, highlight=False)
    for stop in details["stopped"]:
        console.print(f"[bold red]stopped[/] {stop['portal']} ({stop['kind']}): {stop['message']}\n  fix: {stop['fix']}")
        for path in stop["evidence"]:
            console.print(f"  evidence: {store.path / path}", highlight=False)
    if details["resume"]:
        console.print(f"[bold]to finish it:[/] {details['resume']}", highlight=False)
    _print_history(details["history"])
    if details["per_worker"]:
        workers = Table(title="Per worker", title_justify="left")
        for column in ("worker", "host", "items", "busy s", "items/min"):
            workers.add_column(column, justify="left" if column in ("worker", "host") else "right")
        for row in details["per_worker"]:
            workers.add_row(
                row["worker"], row["host"] or "", str(row["items"]), f"{row['busy_s']:.1f}", f"{row['items_per_min']:.1f}"
            )
        console.print(workers)
    payers = Table(title="Per payer", title_justify="left")
    columns = ("items", "found", "not_found", "needs_human", "failed", "retries", "median_ms", "p95_ms")
    payers.add_column("payer")
    for column in columns:
        payers.add_column(column.replace("_", " "), justify="right")
    for payer, row in details["per_payer"].items():
        payers.add_row(payer, *(str(row[column]) for column in columns))
    console.print(payers)
    if details["failures_by_reason"]:
        reasons = Table(title="Failures by reason", title_justify="left")
        for column in ("count", "outcome", "kind", "reason"):
            reasons.add_column(column, justify="right" if column == "count" else "left")
        for row in details["failures_by_reason"]:
            reasons.add_row(str(row["count"]), row["outcome"], row["kind"], row["reason"])
        console.print(reasons)
    retries = details["retries"]
    by_reason = ", ".join(f"{reason} {count}" for reason, count in sorted(retries["by_reason"].items()))
    console.print(
        f"[bold]Retries[/]: {retries['total']} over {retries['items_retried']} items, {retries['recovered']} recovered"
        + (f" ({by_reason})" if by_reason else "")
        + f"; sign-ins {retries['sign_in_attempts']}, session renewals {retries['session_renewals']}, "
        f"API fallbacks {retries['api_fallbacks']}"
        + (f", circuit opened for {', '.join(retries['circuit_opened'])}" if retries["circuit_opened"] else ""),
        highlight=False,
    )
    slow = Table(title="Slowest items", title_justify="left")
    for column in ("row", "reference", "outcome", "attempts", "ms"):
        slow.add_column(column, justify="right" if column in ("row", "attempts", "ms") else "left")
    for item in details["slowest"]:
        slow.add_row(str(item["row_number"]), item["reference"], item["outcome"], str(item["attempts"]), str(item["duration_ms"]))
    console.print(slow)
    if details["rejects_by_reason"]:
        rejects = Table(title=f"Rejected rows (see {store.path / 'rejects.csv'})", title_justify="left")
        for column in ("count", "field", "reason"):
            rejects.add_column(column, justify="right" if column == "count" else "left")
        for row in details["rejects_by_reason"]:
            rejects.add_row(str(row["count"]), row["field"], row["reason"])
        console.print(rejects)
