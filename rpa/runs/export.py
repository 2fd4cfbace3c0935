"""`rpa runs export`: a run's normalized results, typed for a spreadsheet.

One row per claim (or member) with the columns of `results.csv` (docs/architecture.md, "A run folder"), but with
amounts as numbers and dates as dates, so a spreadsheet sums and sorts them. A second sheet lists
each claim's adjustments (or each member's benefits) one per row, and a claim run adds its
follow-up list. CSV gets the same tables as sibling files. Portal text and worklist columns are
untrusted, so every text cell goes through `safe_cell` (no formula injection), and the files are
owner-only like the run folder they come from, since they hold PHI.
"""

from __future__ import annotations

import csv
import io
import typing
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from rpa.core.files import open_private, write_private_bytes
from rpa.core.models import Adjustment, Benefit, ClaimStatus, Eligibility, Task
from rpa.core.queries import ClaimStatusQuery, EligibilityQuery, parse_date
from rpa.core.results import Result
from rpa.core.settings import Settings
from rpa.runs.followup import IN_PROCESS_DAYS, build_followup, expected_amount
from rpa.runs.store import RunStore, flatten_result, safe_cell

Format = Literal["csv", "xlsx"]
Table = tuple[list[str], list[dict[str, Any]]]
SHEETS = {Task.CLAIM_STATUS: ("Claims", "Adjustments"), Task.ELIGIBILITY: ("Members", "Benefits")}
FOLLOWUP_COLUMNS = [
    "queue", "code", "step", "action", "reason", "at_stake", "claim_number", "payer_claim_id", "patient_name",
    "member_id", "service_date_from", "status_category", "status_text", "billed", "paid", "expected",
    "filing_deadline", "days_in_process", "payer", "row_number", "item_id",
]  # fmt: skip
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0%"


def export_run(
    store: RunStore,
    fmt: Format,
    settings: Settings,
    *,
    output: Path | None = None,
    in_process_days: int = IN_PROCESS_DAYS,
    as_of: date | None = None,
) -> list[Path]:
    """Write the run's tables as one workbook or as CSV files; returns the paths written."""
    task = store.manifest().task
    results = store.results()
    main_name, detail_name = SHEETS[task]
    tables: dict[str, Table] = {main_name: result_rows(results), detail_name: detail_rows(results, task)}
    if task is Task.CLAIM_STATUS:
        follow_up = build_followup(store, settings, in_process_days=in_process_days, as_of=as_of)
        tables["Follow-up"] = (FOLLOWUP_COLUMNS, [asdict(item) for item in follow_up.items])
    path = Path(output) if output else store.path / f"export.{fmt}"
    if fmt == "xlsx":
        write_private_bytes(path, workbook_bytes(tables))
        return [path]
    paths = []
    for index, (name, (columns, rows)) in enumerate(tables.items()):
        target = path if index == 0 else path.with_name(f"{path.stem}-{name.lower()}{path.suffix or '.csv'}")
        write_csv(target, columns, rows)
        paths.append(target)
    return paths


def result_rows(results: list[Result]) -> Table:
    """One typed row per item, from the same flattening as `results.csv`, plus the expected amount."""
    rows = []
    for result in results:
        row = {key: _typed(key, value) for key, value in flatten_result(result).items()}
        expected = expected_amount(result.query)
        if expected is not None:
            row["expected_amount"] = expected
        rows.append(row)
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return columns, rows


def detail_rows(results: list[Result], task: Task) -> Table:
    """A claim's adjustments or a member's benefits, one per row, keyed back to the item."""
    model, key, names = (
        (Adjustment, "adjustments", ["claim_number", "payer_claim_id", "patient_name"])
        if task is Task.CLAIM_STATUS
        else (Benefit, "benefits", ["member_id", "patient_name"])
    )
    columns = ["item_id", "row_number", *names, *model.model_fields]
    rows = []
    for result in results:
        answer = result.answer or {}
        for entry in answer.get(key) or []:
            row = {"item_id": result.item_id, "row_number": result.row_number, **{name: answer.get(name) for name in names}}
            rows.append({**row, **{name: _typed(name, value) for name, value in entry.items()}})
    return columns, rows


def workbook_bytes(tables: dict[str, Table]) -> bytes:
    """An .xlsx with one sheet per table: header frozen and filterable, numbers and dates formatted."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (columns, rows) in tables.items():
        sheet = workbook.create_sheet(name)
        sheet.append(columns)
        for row in rows:
            sheet.append([_xlsx_cell(row.get(column)) for column in columns])
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            number_format = _number_format(column, [row.get(column) for row in rows])
            if number_format:
                for cell in sheet[letter][1:]:
                    cell.number_format = number_format
            widest = max([len(column), *(len(str(row.get(column) or "")) for row in rows[:200])])
            sheet.column_dimensions[letter].width = min(widest + 2, 60)
        sheet.freeze_panes = "A2"
        if columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with open_private(path, "w") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row.get(column)) for column in columns])


# -- helpers ----------------------------------------------------------------------------------


def _field_types() -> tuple[frozenset[str], frozenset[str]]:
    """The names of money and date fields, read from the models so a new field is typed too."""
    money: set[str] = set()
    dates: set[str] = set()
    for model in (ClaimStatus, Eligibility, Adjustment, Benefit, ClaimStatusQuery, EligibilityQuery):
        for name, info in model.model_fields.items():
            kinds = _base_types(info.annotation)
            if Decimal in kinds:
                money.add(name)
            if date in kinds:
                dates.add(name)
    return frozenset(money), frozenset(dates)


def _base_types(annotation: Any) -> set[Any]:
    if typing.get_origin(annotation) is typing.Annotated:
        return _base_types(typing.get_args(annotation)[0])
    arguments = typing.get_args(annotation)
    if arguments:
        return set().union(*(_base_types(argument) for argument in arguments))
    return {annotation}


MONEY_FIELDS, DATE_FIELDS = _field_types()


def _typed(key: str, value: Any) -> Any:
    """JSON's decimal strings and ISO dates back to Decimal and date (query fields are `query_*`)."""
    name = key.removeprefix("query_")
    if value in (None, ""):
        return None
    if name in MONEY_FIELDS:
        return Decimal(str(value))
    if name in DATE_FIELDS:
        return parse_date(value)
    return value


def _number_format(column: str, values: list[Any]) -> str | None:
    sample = next((value for value in values if value is not None), None)
    if isinstance(sample, Decimal):
        return PERCENT_FORMAT if column == "percent" else MONEY_FORMAT
    if isinstance(sample, date):
        return DATE_FORMAT
    return None


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", safe_cell(value))
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)
