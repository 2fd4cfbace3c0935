"""Rich views of answers and run summaries, for people (programs use --json)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

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
    header = Table.grid(padding=(0, 2))
    header.add_column(style="bold")
    header.add_column()
    status = f"{claim['status_category']} / {claim.get('status_code') or '—'}  {claim['status_text']}"
    for label, value in (
        ("Status", status),
        ("Detail", claim.get("status_detail")),
        ("Claim number", claim.get("claim_number")),
        ("Payer claim ID", claim.get("payer_claim_id")),
        ("Patient", claim.get("patient_name")),
        ("Member ID", claim.get("member_id")),
        ("Service dates", _dates(claim.get("service_date_from"), claim.get("service_date_to"))),
        ("Received", claim.get("received_date")),
        ("Adjudicated", claim.get("adjudicated_date")),
        ("Billed", _money(claim.get("billed_amount"))),
        ("Allowed", _money(claim.get("allowed_amount"))),
        ("Paid", _money(claim.get("paid_amount"))),
        ("Patient responsibility", _money(claim.get("patient_responsibility"))),
        ("Check/EFT", _join(claim.get("check_number"), claim.get("payment_date"))),
    ):
        if value:
            header.add_row(label, str(value))
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
            "Billed": _money(line.get("billed_amount")),
            "Allowed": _money(line.get("allowed_amount")),
            "Paid": _money(line.get("paid_amount")),
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
    header = Table.grid(padding=(0, 2))
    header.add_column(style="bold")
    header.add_column()
    active = "active" if elig["coverage_active"] else "NOT active"
    status = f"{active} ({elig.get('coverage_status_code') or '—'})  {elig.get('coverage_status_text') or ''}"
    for label, value in (
        ("Coverage", status),
        ("Member", _join(elig.get("patient_name"), elig.get("member_id"))),
        ("Date of birth", elig.get("date_of_birth")),
        ("Plan", _join(elig.get("plan_name"), elig.get("plan_type"))),
        ("Group", elig.get("group_number")),
        ("Coverage dates", _dates(elig.get("coverage_start"), elig.get("coverage_end"), open_end=True)),
        ("PCP", elig.get("pcp_name")),
    ):
        if value:
            header.add_row(label, str(value))
    parts: list[Any] = [header]
    if elig.get("benefits"):
        parts.append(FitsWidth(lambda wide: benefits_table(elig["benefits"], wide=wide)))
    return Panel(Group(*parts), title=f"[{style}]eligibility: {outcome}[/]", expand=False)


BENEFIT_NAMES = {"A": "Co-insurance", "B": "Co-payment", "C": "Deductible", "G": "Out-of-pocket max"}
# X12 EB03 service type codes (a standard list, not any payer's words), for people reading a table.
SERVICE_TYPE_NAMES = {
    "1": "Medical care", "4": "Diagnostic X-ray", "5": "Diagnostic lab", "30": "Plan coverage",
    "33": "Chiropractic", "35": "Dental", "47": "Hospital", "48": "Hospital inpatient", "50": "Hospital outpatient",
    "86": "Emergency", "88": "Pharmacy", "98": "Office visit", "AL": "Vision", "MH": "Mental health", "UC": "Urgent care",
}  # fmt: skip


def benefits_table(benefits: list[dict[str, Any]], *, wide: bool = True) -> Table:
    """One row per benefit, service type and network: amounts with met and remaining side by side."""
    table = Table(title="Benefits", title_justify="left", **({} if wide else NARROW_TABLE))
    if wide:
        columns: tuple[str, ...] = ("Service type", "Network", "Benefit", "Level", "Amount", "Met", "Remaining", "Auth", "Notes")
        wrapping, min_widths = {"Notes"}, {}
    else:  # the level (IND/FAM) goes beside the benefit's name; the notes stay in --json
        columns = ("Service type", "Network", "Benefit", "Amount", "Met", "Remaining", "Auth")
        wrapping, min_widths = {"Service type", "Benefit"}, {"Service type": 12, "Benefit": 13}
    for column in columns:
        table.add_column(
            column if wide else NARROW_HEADERS.get(column, column),
            justify="right" if column in ("Amount", "Met", "Remaining") else "left",
            no_wrap=column not in wrapping,
            min_width=min_widths.get(column),
            max_width=36 if column == "Notes" else None,
        )
    grouped: dict[tuple, dict[str, Any]] = {}
    for benefit in benefits:
        key = (
            benefit.get("service_type_code") or "",
            benefit.get("network") or "",
            benefit["benefit_code"],
            benefit.get("coverage_level") or "",
        )
        row = grouped.setdefault(key, {"auth": benefit.get("authorization_required"), "text": benefit.get("text")})
        if benefit.get("time_period") == "29":
            row["remaining"] = benefit.get("amount")
        elif benefit.get("percent") is not None:
            row["amount"] = f"{Decimal(str(benefit['percent'])) * 100:.0f}%"
        else:
            period = (" /visit" if wide else "/visit") if benefit.get("time_period") == "27" else ""
            row["amount"] = _money(benefit.get("amount")) + period
            row["total"] = benefit.get("amount")
    for (service, network, code, level), row in sorted(grouped.items()):
        met = ""
        if row.get("total") is not None and row.get("remaining") is not None:
            met = _money(Decimal(str(row["total"])) - Decimal(str(row["remaining"])))
        auth = {True: "required" if wide else "yes", False: "no"}.get(row.get("auth"), "")
        service_name = f"{service} {SERVICE_TYPE_NAMES.get(service, '')}".strip()
        benefit_name = BENEFIT_NAMES.get(code, code)
        amounts = (row.get("amount", ""), met, _money(row.get("remaining")), auth)
        if wide:
            table.add_row(service_name, network, benefit_name, level, *amounts, row.get("text") or "")
        else:
            table.add_row(service_name, network, f"{benefit_name} {level}".strip(), *amounts)
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
            _money(adjustment.get("amount")),
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


def _money(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"${Decimal(str(value)):,.2f}"


def _dates(start: Any, end: Any, *, open_end: bool = False) -> str:
    if not start and not end:
        return ""
    if open_end and not end:
        return f"{start} – (open)"
    return str(start) if start == end or not end else f"{start} – {end}"


def _join(*values: Any) -> str:
    return "  ".join(str(value) for value in values if value)
