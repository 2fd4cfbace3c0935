"""Worklists: headers matched loosely, bad rows rejected one by one with row and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from rpa.core.errors import InputError
from rpa.core.models import Task
from rpa.core.worklist import load_worklist

HEADER = "Payer,Claim Number,Member ID,Patient DOB,Provider NPI,Service Date From,Service Date To,Billed Amount,Expected Amount\n"


def write(tmp_path: Path, text: str, name: str = "worklist.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_headers_match_ignoring_case_spaces_and_underscores(tmp_path):
    path = write(tmp_path, "PAYER,claim_number,Member-ID,patient dob\nsandbox,CLM00000001,,\n")
    worklist = load_worklist(path)
    assert worklist.task is Task.CLAIM_STATUS
    assert [item.query.claim_number for item in worklist.items] == ["CLM00000001"]


def test_bad_rows_are_rejected_with_row_field_and_reason_and_the_rest_run(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "sandbox,CLM00000001,,,,,,,100.00\n"
        + "sandbox,,SBX000000001,13/45/1980,,2026-10-01,,,\n"
        + "sandbox,,SBX000000001,01/02/1980,,2026-10-01,,$1,250.00,\n"
        + "sandbox,CLM2,,,1234567890,,,,\n"
        + "sandbox,,SBX000000002,,,2026-10-01,,,\n"
        + "sandbox,CLM00000001,,,,,,,100.00\n",
    )
    worklist = load_worklist(path)
    assert [item.row_number for item in worklist.items] == [2, 4]
    rejects = {reject.row_number: (reject.field, reject.reason) for reject in worklist.rejects}
    assert rejects[3][0] == "patient_dob" and "not a date" in rejects[3][1]
    assert rejects[5][0] == "provider_npi" and "check digit" in rejects[5][1]
    assert rejects[6][0] == "patient_dob" and "required" in rejects[6][1]
    assert rejects[7] == ("row", "duplicate of row 2")


def test_extra_columns_are_carried_and_amounts_are_decimal(tmp_path):
    path = write(tmp_path, HEADER + 'sandbox,,SBX000000001,1980-01-02,,10/01/2026,,"$1,250.50",900\n')
    item = load_worklist(path).items[0]
    assert item.query.billed_amount == Decimal("1250.50")
    assert item.query.service_date_to == item.query.service_date_from
    assert item.query.extra == {"Expected Amount": "900"}


def test_item_id_is_stable_and_ignores_carried_columns(tmp_path):
    first = load_worklist(write(tmp_path, HEADER + "sandbox,CLM00000001,,,,,,,100\n", "a.csv")).items[0]
    second = load_worklist(write(tmp_path, HEADER + "Sandbox, clm00000001 ,,,,,,,999\n", "b.csv")).items[0]
    assert first.item_id == second.item_id


def test_windows_1252_worklist_is_read(tmp_path):
    path = write(tmp_path, "payer,member_id,patient_dob,patient_last_name\nsandbox,SBX1,1980-01-02,Peña\n", encoding="cp1252")
    worklist = load_worklist(path)
    assert worklist.encoding == "cp1252"
    assert worklist.items[0].query.patient_last_name == "Peña"


def test_eligibility_task_is_inferred_from_columns(tmp_path):
    path = write(tmp_path, "payer,member_id,patient_dob,service_type,service_date\nsandbox,SBX1,1980-01-02,98,2026-11-01\n")
    worklist = load_worklist(path)
    assert worklist.task is Task.ELIGIBILITY
    assert worklist.items[0].query.service_type == "98"


def test_ambiguous_columns_need_task(tmp_path):
    path = write(tmp_path, "payer,member_id,patient_dob\nsandbox,SBX1,1980-01-02\n")
    with pytest.raises(InputError, match="--task"):
        load_worklist(path)
    assert load_worklist(path, task=Task.ELIGIBILITY).items


def test_missing_required_column_names_it(tmp_path):
    path = write(tmp_path, "payer,member_id,service_date_from\nsandbox,SBX1,2026-10-01\n")
    with pytest.raises(InputError, match="'patient_dob'"):
        load_worklist(path)


def test_xlsx_worklist_with_excel_dates_and_numbers(tmp_path):
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["Payer", "Member ID", "Patient DOB", "Service Date From", "Billed Amount", "Provider NPI"])
    sheet.append(["sandbox", "SBX000000001", datetime(1980, 1, 2), datetime(2026, 10, 1), 125.5, 1234567893])
    path = tmp_path / "worklist.xlsx"
    book.save(path)
    item = load_worklist(path).items[0]
    assert item.query.patient_dob.isoformat() == "1980-01-02"
    assert item.query.billed_amount == Decimal("125.50")
    assert item.query.provider_npi == "1234567893"


def test_formula_cells_are_rejected_as_identifiers(tmp_path):
    path = write(tmp_path, HEADER + 'sandbox,"=HYPERLINK(""http://x"",""y"")",,,,,,,\n')
    worklist = load_worklist(path)
    assert not worklist.items
    assert worklist.rejects[0].field == "claim_number"
