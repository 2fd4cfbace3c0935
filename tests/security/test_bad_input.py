"""Bad input never ends in a traceback: a clear error naming the row and field, exit code 2."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rpa.cli import app
from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist

COLUMNS = [
    "payer",
    "Claim Number",
    "member_id",
    "Patient DOB",
    "provider_npi",
    "service_date_from",
    "service_date_to",
    "billed_amount",
]
NASTY = st.sampled_from(
    ["", " ", "=HYPERLINK(\"http://x\",\"y\")", "+1+1", "@SUM(A1)", "13/45/2020", "2026-02-30", "1e309", "-5", "$1,2,3", "NaN",
     "12345678901234567890", "ünïcödé", "\t", "0000000000", "1234567890", "CLM0001", "SBX000000001", "1980-01-02"]
)  # fmt: skip


def rows_strategy():
    columns = st.lists(st.sampled_from([*COLUMNS, "Extra", "claim number", "DOB"]), min_size=1, max_size=10, unique=True)
    return columns.flatmap(
        lambda headers: st.tuples(
            st.just(headers),
            st.lists(
                st.lists(st.one_of(NASTY, st.text(max_size=12)), min_size=len(headers), max_size=len(headers) + 2), max_size=8
            ),
        )
    )


def as_csv(headers, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["nobody" if header == "payer" else cell for header, cell in zip(headers, row)] + row[len(headers) :])
    return buffer.getvalue()


def invoke_run(path, runs_dir):
    result = CliRunner().invoke(app, ["run", str(path), "--runs-dir", str(runs_dir)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=rows_strategy(), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_any_worklist_without_a_usable_row_is_a_clear_error_with_exit_code_2(tmp_path, data, encoding):
    headers, rows = data
    path = tmp_path / "worklist.csv"
    path.write_bytes(as_csv(headers, rows).encode(encoding, errors="replace"))

    result = invoke_run(path, tmp_path / "runs")

    assert result.exit_code == 2, result.output
    assert "error:" in result.output and ("row" in result.output or "column" in result.output or "task" in result.output)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_are_refused_with_exit_code_2(tmp_path, blob, suffix):
    path = tmp_path / f"worklist{suffix}"
    path.write_bytes(blob)

    result = invoke_run(path, tmp_path / "runs")

    assert result.exit_code == 2 and "error:" in result.output


def test_a_huge_cell_and_a_huge_file_are_refused_with_the_row(tmp_path, monkeypatch):
    path = tmp_path / "huge-cell.csv"
    path.write_text("payer,claim_number\nsandbox," + "9" * 200_000 + "\n")
    result = invoke_run(path, tmp_path / "runs")
    assert result.exit_code == 2 and "row 2" in result.output

    monkeypatch.setattr("rpa.core.worklist.MAX_ROWS", 100)
    path = tmp_path / "huge-file.csv"
    path.write_text("payer,claim_number\n" + "".join(f"sandbox,CLM{n:08d}\n" for n in range(150)))
    result = invoke_run(path, tmp_path / "runs")
    assert result.exit_code == 2 and "more than 100 rows" in result.output


def test_exports_neutralize_formula_cells_carried_from_the_worklist(sandbox, engine, tmp_path):
    claim = sandbox.data.claims[730]
    rows = [
        {"payer": "sandbox", "claim_number": claim.claim_number, "Note": '=HYPERLINK("http://evil.example","click")'},
        {"payer": "sandbox", "claim_number": "=1+2", "Note": "@SUM(A1:A9)"},
    ]

    summary = run_worklist(write_worklist(tmp_path / "w.csv", rows), settings=engine)

    results_csv = (summary.run_dir / "results.csv").read_text()
    rejects_csv = (summary.run_dir / "rejects.csv").read_text()
    assert "'=HYPERLINK(" in results_csv and ",=HYPERLINK" not in results_csv
    assert "'=1+2" in rejects_csv and "'@SUM(A1:A9)" in rejects_csv
    assert json.loads((summary.run_dir / "results.jsonl").read_text())["query"]["extra"]["Note"].startswith("=HYPERLINK")
