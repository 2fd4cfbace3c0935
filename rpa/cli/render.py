"""Rich views of answers and run summaries, for people (programs use --json)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rpa.core.readout import (
    benefit_rows,
    claim_fields,
    claim_status_line,
    coverage_line,
    eligibility_fields,
    money,
)

OUTCOME_STYLES = {"found": "green", "not_found": "yellow", "needs_human": "magenta", "failed": "red", "rejected": "red"}


def result_view(result: dict[str, Any]) -> Any:
    outcome = result["outcome"]
    style = OUTCOME_STYLES.get(outcome, "white")
    answer = result.get("answer")
    if answer is None:
        error = result.get("error") or {}
        body = Text(f"{error.get('kind', '')}: {error.get('message', '')}")
        if result.get("evidence"):
            body.append("\nevidence: " + ", ".join(result["evidence"]))
        return Panel(body, title=f"[{style}]{outcome}[/]", expand=False)
    if result["task"] == "claim_status":
        return claim_view(answer, outcome, style)
    return eligibility_view(answer, outcome, style)


def claim_view(claim: dict[str, Any], outcome: str, style: str) -> Any:
    header = _fields_grid([("Status", claim_status_line(claim)), *claim_fields(claim)])
    parts: list[Any] = [header]
    if claim.get("adjustments"):
        parts.append(adjustments_table("Adjustments", claim["adjustments"]))
    if claim.get("lines"):
        parts.append(FitsWidth(lambda wide: service_lines_table(claim, wide=wide)))
    return Panel(Group(*parts), title=f"[{style}]claim status: {outcome}[/]", expand=False)


def service_lines_table(claim: dict[str, Any], *, wide: bool = True) -> Table:
    """Amounts and codes stay whole at 80 columns; there the adjustments wrap, and the date goes
    when every line has the claim's own service date (shown above)."""
    lines = claim["lines"]
    same_date = all(str(line.get("service_date") or "") == str(claim.get("service_date_from") or "") for line in lines)
    columns = ["Line", "Procedure", "Modifiers", "Date", "Billed", "Allowed", "Paid", "Status", "Adjustments"]
    if not wide:
        columns = [c for c in columns if not (c == "Date" and same_date)]
    table = Table(title="Service lines", title_justify="left", **({} if wide else NARROW_TABLE))
    for column in columns:
        table.add_column(
            column if wide else NARROW_HEADERS.get(column, column),
            justify="right" if column in ("Billed", "Allowed", "Paid") else "left",
            no_wrap=column != "Adjustments",
        )
    for line in lines:
        cells = {
            "Line": str(line["line_number"]),
            "Procedure": line["procedure_code"],
            "Modifiers": ",".join(line.get("modifiers") or []),
            "Date": str(line.get("service_date") or ""),
            "Billed": money(line.get("billed_amount")),
            "Allowed": money(line.get("allowed_amount")),
            "Paid": money(line.get("paid_amount")),
            "Status": line.get("status_category") or "",
            "Adjustments": ("; " if wide else "\n").join(
                f"{a['group']}-{a['carc']} {a['amount']}" for a in line.get("adjustments") or []
            ),
        }
        table.add_row(*(cells[column] for column in columns))
    return table


class FitsWidth:
    """A table laid out for the width it is printed in (wide >= 120 columns, else narrow).

    A specialist's terminal is often 80 columns (and so is `make demo`'s output when piped):
    there tables use a light border, shorter headers and wrap long text, so that the amounts and
    codes a specialist reads out stay whole.
    """

    WIDE = 120

    def __init__(self, build: Callable[[bool], Table]):
        self.build = build

    def __rich_console__(self, console: Console, options: Any):
        yield self.build(options.max_width >= self.WIDE)


NARROW_TABLE: dict[str, Any] = {"box": box.SIMPLE_HEAD, "padding": (0, 1), "collapse_padding": True, "pad_edge": False}
NARROW_HEADERS = {"Line": "#", "Procedure": "Proc", "Modifiers": "Mod", "Status": "Cat", "Network": "Net", "Remaining": "Left"}


def eligibility_view(elig: dict[str, Any], outcome: str, style: str) -> Any:
    header = _fields_grid([("Coverage", coverage_line(elig)), *eligibility_fields(elig)])
    parts: list[Any] = [header]
    if elig.get("benefits"):
        parts.append(FitsWidth(lambda wide: benefits_table(elig["benefits"], wide=wide)))
    return Panel(Group(*parts), title=f"[{style}]eligibility: {outcome}[/]", expand=False)


def benefits_table(benefits: list[dict[str, Any]], *, wide: bool = True) -> Table:
    """One row per benefit, service type and network: amounts with met and remaining side by side."""
    table = Table(title="Benefits", title_justify="left", **({} if wide else NARROW_TABLE))
    if wide:
        columns: tuple[str, ...] = ("Service type", "Network", "Benefit", "Level", "Amount", "Met", "Remaining", "Auth", "Notes")
        wrapping, min_widths = {"Notes"}, {}
    else:  # the level (IND/FAM) goes beside the benefit's name; the notes stay in --json
        columns = ("Service type", "Network", "Benefit", "Amount", "Met", "Remaining", "Auth")
        wrapping, min_widths = {"Service type", "Benefit", "Amount"}, {"Service type": 10, "Benefit": 13, "Amount": 10, "Auth": 4}
    for column in columns:
        table.add_column(
            column if wide else NARROW_HEADERS.get(column, column),
            justify="right" if column in ("Amount", "Met", "Remaining") else "left",
            no_wrap=column not in wrapping,
            min_width=min_widths.get(column),
            max_width=36 if column == "Notes" else None,
        )
    for row in benefit_rows(benefits):
        amount = row.amount + (" /visit" if row.per_visit else "")  # at 80 columns "/visit" goes under the amount
        auth = {True: "required" if wide else "yes", False: "no"}.get(row.authorization_required, "")
        amounts = (amount, row.met, row.remaining, auth)
        if wide:
            table.add_row(row.service_name, row.network, row.benefit_name, row.level, *amounts, row.text)
        else:
            table.add_row(row.service_name, row.network, f"{row.benefit_name} {row.level}".strip(), *amounts)
    return table


def adjustments_table(title: str, adjustments: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("Group", "CARC", "RARC", "Amount", "Reason"):
        table.add_column(
            column, justify="right" if column == "Amount" else "left", overflow="fold" if column == "Reason" else "ellipsis"
        )
    for adjustment in adjustments:
        table.add_row(
            adjustment["group"],
            adjustment["carc"],
            adjustment.get("rarc") or "",
            money(adjustment.get("amount")),
            adjustment.get("text") or "",
        )
    return table


def summary_view(summary: dict[str, Any]) -> Any:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    counts = summary["counts"]
    table.add_row("Run", summary["run_id"])
    table.add_row("Folder", summary["run_dir"])
    table.add_row("Items", str(summary["items"]))
    for outcome in ("found", "not_found", "needs_human", "failed"):
        style = OUTCOME_STYLES[outcome]
        table.add_row(outcome.replace("_", " "), f"[{style}]{counts.get(outcome, 0)}[/]")
    table.add_row("rejected rows", str(summary["rejected"]))
    table.add_row("pending", str(summary["pending"]))
    stats = summary.get("stats") or {}
    if stats.get("retries"):
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(stats["retries_by_reason"].items()))
        table.add_row("retries", f"{stats['retries']} ({reasons})")
    table.add_row("duration", f"{summary['duration_s']:.1f} s")
    table.add_row("exit code", str(summary["exit_code"]))
    parts: list[Any] = [table]
    for stop in summary.get("stopped") or []:
        parts.append(
            Text(f"\nSTOPPED {stop['portal']} ({stop['kind']}): {stop['message']}\n  fix: {stop['fix']}", style="bold red")
        )
    return Panel(Group(*parts), title="run summary", expand=False)


def print_view(console: Console, view: Any) -> None:
    console.print(view)


def _fields_grid(fields: list[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in fields:
        grid.add_row(label, value)
    return grid
