"""`rpa runs export`: results for a spreadsheet, typed, with detail and follow-up sheets, and safe to open."""

from __future__ import annotations

import csv
import shutil
import stat
from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook

from .conftest import FORMULA, rpa


def export(store, fmt: str, output) -> list[str]:
    result = rpa("runs", "export", store.run_id, "--runs-dir", store.path.parent, "--format", fmt, "--output", output)
    assert result.exit_code == 0, result.output
    return result.output.split()


def rows_of(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


def test_xlsx_has_a_row_per_claim_with_amounts_as_numbers_and_dates_as_dates(review_runs, tmp_path):
    [path] = export(review_runs.claims, "xlsx", tmp_path / "claims.xlsx")
    workbook = load_workbook(path)
    results = {result.item_id: result for result in review_runs.claims.results()}

    assert workbook.sheetnames == ["Claims", "Adjustments", "Follow-up"]
    claims = rows_of(workbook["Claims"])
    assert len(claims) == len(results)
    for row in claims:
        answer = results[row["item_id"]].answer
        if answer.get("billed_amount") is not None:
            assert isinstance(row["billed_amount"], int | float)
            assert Decimal(str(row["billed_amount"])) == Decimal(answer["billed_amount"])
            assert isinstance(row["received_date"], datetime) or answer["received_date"] is None
    underpaid = [row for row in claims if row["claim_number"] in review_runs.expected]
    assert all(isinstance(row["expected_amount"], int | float) for row in underpaid) and underpaid
    assert stat.S_IMODE((tmp_path / "claims.xlsx").stat().st_mode) == 0o600


def test_the_adjustments_sheet_lists_each_claims_adjustments_with_numeric_amounts(review_runs, tmp_path):
    [path] = export(review_runs.claims, "xlsx", tmp_path / "claims.xlsx")
    adjustments = rows_of(load_workbook(path)["Adjustments"])
    expected = [
        (result.item_id, adjustment["group"], adjustment["carc"], Decimal(adjustment["amount"]))
        for result in review_runs.claims.results()
        for adjustment in (result.answer or {}).get("adjustments", [])
    ]

    assert [(row["item_id"], row["group"], row["carc"], Decimal(str(row["amount"]))) for row in adjustments] == expected
    assert all(isinstance(row["amount"], int | float) for row in adjustments)


def test_text_cells_never_become_formulas(review_runs, tmp_path):
    [path] = export(review_runs.claims, "xlsx", tmp_path / "claims.xlsx")
    sheet = load_workbook(path)["Claims"]
    header = [cell.value for cell in sheet[1]]
    notes = [row[header.index("Note")] for row in sheet.iter_rows(min_row=2)]

    [note] = [cell for cell in notes if cell.value]
    assert note.data_type == "s" and note.value == "'" + FORMULA
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)

    main, *_ = export(review_runs.claims, "csv", tmp_path / "claims.csv")
    with open(main, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["Note"] for row in rows if row["Note"]] == ["'" + FORMULA]


def test_csv_writes_the_same_tables_as_sibling_files_with_plain_numbers(review_runs, tmp_path):
    paths = export(review_runs.claims, "csv", tmp_path / "claims.csv")
    assert [p.rsplit("/", 1)[1] for p in paths] == ["claims.csv", "claims-adjustments.csv", "claims-follow-up.csv"]
    with open(paths[0], newline="") as handle:
        claims = list(csv.DictReader(handle))
    with open(paths[2], newline="") as handle:
        follow_up = list(csv.DictReader(handle))

    assert len(claims) == len(review_runs.claims.results())
    assert all(Decimal(row["billed_amount"]) > 0 for row in claims if row["billed_amount"])
    stakes = [Decimal(row["at_stake"]) for row in follow_up]
    assert stakes == sorted(stakes, reverse=True) and {row["queue"] for row in follow_up} >= {"denied", "pended", "underpaid"}


def test_eligibility_runs_export_members_and_their_benefits(review_runs, tmp_path):
    [path] = export(review_runs.eligibility, "xlsx", tmp_path / "members.xlsx")
    workbook = load_workbook(path)

    assert workbook.sheetnames == ["Members", "Benefits"]
    members = rows_of(workbook["Members"])
    benefits = rows_of(workbook["Benefits"])
    assert len(members) == 6 and {row["item_id"] for row in benefits} == {row["item_id"] for row in members}
    assert all(isinstance(row["percent"], float) for row in benefits if row["benefit_code"] == "A")
    assert all(isinstance(row["amount"], int | float) for row in benefits if row["benefit_code"] in ("B", "C", "G"))
    assert all(isinstance(row["date_of_birth"], datetime) for row in members)


def test_by_default_the_export_goes_into_the_run_folder(review_runs, tmp_path):
    copy = shutil.copytree(review_runs.failures.path, tmp_path / "runs" / review_runs.failures.run_id)
    result = rpa("runs", "export", copy.name, "--runs-dir", copy.parent)
    assert result.exit_code == 0, result.output
    assert result.output.split() == [str(copy / "export.xlsx")]
    assert rows_of(load_workbook(copy / "export.xlsx")["Claims"])[0]["outcome"] == "failed"
