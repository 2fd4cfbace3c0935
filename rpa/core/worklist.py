"""Worklists in, work items and rejects out.

Billing systems export CSV or XLSX with their own header spelling, so headers are matched
ignoring case, spaces, hyphens and underscores (`Claim Number` is `claim_number`). Each row
is validated on its own: a bad row becomes a reject naming its row number, field and reason,
and every good row still runs. Only a file that cannot be read at all is an `InputError`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rpa.core.errors import InputError
from rpa.core.files import open_private
from rpa.core.models import Task
from rpa.core.queries import QUERY_TYPES, ClaimStatusQuery, EligibilityQuery, Query
from rpa.interchange import is_interchange

COLUMN_ALIASES = {
    "dob": "patient_dob",
    "dateofbirth": "patient_dob",
    "patientdateofbirth": "patient_dob",
    "npi": "provider_npi",
    "billingprovidernpi": "provider_npi",
    "taxid": "provider_tax_id",
    "tin": "provider_tax_id",
    "ein": "provider_tax_id",
    "providertaxid": "provider_tax_id",
    "billingprovidertaxid": "provider_tax_id",
    "subscriberid": "member_id",
    "firstname": "patient_first_name",
    "lastname": "patient_last_name",
    "dateofservice": "service_date",
    "billed": "billed_amount",
    "servicedate": "service_date",
}
CLAIM_ONLY = {"claim_number", "service_date_from", "service_date_to", "billed_amount"}
ELIGIBILITY_ONLY = {"service_type", "service_date", "patient_first_name", "patient_last_name"}
MAX_ROWS = 200_000


@dataclass(frozen=True)
class WorkItem:
    row_number: int
    query: Query

    @property
    def item_id(self) -> str:
        return self.query.item_id

    @property
    def task(self) -> Task:
        return self.query.task

    @property
    def payer(self) -> str:
        return self.query.payer


@dataclass(frozen=True)
class Reject:
    row_number: int
    field: str
    reason: str
    row: dict[str, str]


@dataclass
class Worklist:
    path: Path | None
    task: Task
    items: list[WorkItem] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    digest: str = ""
    encoding: str = "utf-8"
    source: bytes | None = None
    """The file as given, kept in the run folder when an answer must mirror it (an X12 interchange)."""


def load_worklist(path: Path, *, task: Task | None = None, default_payer: str | None = None) -> Worklist:
    """Read and validate a CSV or XLSX worklist; raises InputError only when the file is unusable."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"worklist {path} does not exist")
    raw = path.read_bytes()
    if is_interchange(raw):  # a 276 or 270, whatever its name: docs/x12-and-fhir.md
        from rpa.interchange.x12_worklist import load_interchange_worklist

        return load_interchange_worklist(path, raw, task=task, default_payer=default_payer)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        headers, rows = _read_xlsx(path)
        encoding = "xlsx"
    else:
        text, encoding = _decode(raw, path)
        headers, rows = _read_csv(text, path)
    worklist = build_worklist(headers, rows, task=task, default_payer=default_payer, path=path)
    worklist.digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    worklist.encoding = encoding
    return worklist


def build_worklist(
    headers: list[str],
    rows: Iterator[list[Any]] | list[list[Any]],
    *,
    task: Task | None = None,
    default_payer: str | None = None,
    path: Path | None = None,
) -> Worklist:
    """Validate rows (header row is row 1, as a spreadsheet numbers them) into items and rejects."""
    columns = [canonical_column(header) for header in headers]
    known = set(columns)
    task = task or infer_task(known, path)
    _check_columns(task, known, default_payer, path)
    model = QUERY_TYPES[task]
    fields = set(model.model_fields) - {"extra", "task"}
    worklist = Worklist(path=path, task=task)
    seen: dict[str, int] = {}
    for index, values in enumerate(rows, start=2):
        if index - 1 > MAX_ROWS:
            raise InputError(f"worklist has more than {MAX_ROWS} rows; split it into several runs")
        cells = [_cell(value) for value in values]
        if not any(cells):
            continue
        raw_row = {header: cell for header, cell in zip(headers, cells, strict=False)}
        if len(cells) > len(headers) and any(cells[len(headers) :]):
            worklist.rejects.append(Reject(index, "row", f"has {len(cells)} cells but the header has {len(headers)}", raw_row))
            continue
        data: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for header, column, cell in zip(headers, columns, cells, strict=False):
            if column in fields:
                data[column] = cell
            elif cell:
                extra[header] = cell
        if not data.get("payer") and default_payer:
            data["payer"] = default_payer
        try:
            query = model(**data, extra=extra)
        except ValidationError as error:
            field_name, reason = first_problem(error)
            worklist.rejects.append(Reject(index, field_name, reason, raw_row))
            continue
        if query.item_id in seen:
            worklist.rejects.append(Reject(index, "row", f"duplicate of row {seen[query.item_id]}", raw_row))
            continue
        seen[query.item_id] = index
        worklist.items.append(WorkItem(row_number=index, query=query))
    return worklist


def canonical_column(header: str) -> str:
    """`Claim Number`, `claim-number` and `CLAIM_NUMBER` all name `claim_number`."""
    squashed = re.sub(r"[\s_\-]+", "", str(header or "")).lower()
    if squashed in COLUMN_ALIASES:
        return COLUMN_ALIASES[squashed]
    for name in _all_fields():
        if name.replace("_", "") == squashed:
            return name
    return str(header or "").strip()


def infer_task(columns: set[str], path: Path | None = None) -> Task:
    claim = bool(columns & CLAIM_ONLY)
    eligibility = bool(columns & ELIGIBILITY_ONLY)
    if claim and not eligibility:
        return Task.CLAIM_STATUS
    if eligibility and not claim:
        return Task.ELIGIBILITY
    where = f"{path}: " if path else ""
    found = ", ".join(sorted(columns & (CLAIM_ONLY | ELIGIBILITY_ONLY))) or "none of the task columns"
    raise InputError(f"{where}cannot tell the task from the columns ({found}); pass --task claim_status or --task eligibility")


def _check_columns(task: Task, columns: set[str], default_payer: str | None, path: Path | None) -> None:
    where = f"{path}: " if path else ""
    if "payer" not in columns and not default_payer:
        raise InputError(f"{where}missing column 'payer' (or pass --payer for every row)")
    required = {"member_id", "patient_dob"} if task is Task.ELIGIBILITY else set()
    if task is Task.CLAIM_STATUS and "claim_number" not in columns:
        required = {"member_id", "patient_dob", "service_date_from"}
    missing = sorted(required - columns)
    if missing:
        raise InputError(f"{where}missing column(s) {', '.join(repr(m) for m in missing)} for {task.value}")


def first_problem(error: ValidationError) -> tuple[str, str]:
    problem = error.errors()[0]
    message = str(problem.get("msg", "is invalid")).removeprefix("Value error, ")
    location = [str(part) for part in problem.get("loc", ()) if part != "__root__"]
    if location:
        field_name = location[0]
        if problem.get("type") == "missing":
            message = "is required"
        return field_name, message
    match = re.match(r"(\w+): (.*)", message)
    if match:
        return match.group(1), match.group(2)
    return "row", message


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    """UTF-8 first; UTF-16 when it says so (Excel's "Unicode text"); Windows-1252 is what Excel
    writes "CSV" in on most billing desks."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            line = raw[: error.start].decode("utf-16", errors="ignore").count("\n") + 1
            raise InputError(f"{path}: row {line} is not valid UTF-16 text") from None
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        line = raw[: utf8_error.start].count(b"\n") + 1
        raise InputError(
            f"{path}: row {line} is not UTF-8 or Windows-1252 text (byte {utf8_error.start}); save the worklist as UTF-8 CSV"
        ) from None


def _read_csv(text: str, path: Path) -> tuple[list[str], list[list[str]]]:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(f"{path}: row {line} contains NUL bytes: this is not a text CSV file (a spreadsheet saved as .csv?)")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = next(reader)
    except StopIteration:
        raise InputError(f"{path}: is empty") from None
    except csv.Error as error:
        raise InputError(f"{path}: row 1 cannot be read as CSV ({error})") from None
    headers = [header.strip() for header in headers]
    if not any(headers):
        raise InputError(f"{path}: row 1 must be a header row")
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as error:
        raise InputError(f"{path}: row {reader.line_num} cannot be read as CSV ({error})") from None
    return headers, rows


def _read_xlsx(path: Path) -> tuple[list[str], list[list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise InputError(f"{path}: cannot be opened as an XLSX workbook ({error})") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        headers = [str(cell).strip() if cell is not None else "" for cell in next(rows)]
    except StopIteration:
        raise InputError(f"{path}: the first sheet is empty") from None
    data = [list(row) for row in rows]
    workbook.close()
    return headers, data


def _all_fields() -> list[str]:
    return sorted((set(ClaimStatusQuery.model_fields) | set(EligibilityQuery.model_fields)) - {"extra", "task"})


def write_worklist(path: Path, rows: list[dict]) -> Path:
    """Write rows as a CSV worklist (owner-only, since worklists carry PHI).

    The columns are the union of the rows' keys in first-seen order, so a sample or test
    worklist can mix claim-number rows with member-and-dates rows.
    """
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    with open_private(path, "w") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path
