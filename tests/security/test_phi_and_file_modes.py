"""PHI is masked in logs unless a run opts out (and says so); run and state files are owner-only."""

from __future__ import annotations

import json
import os
import stat

from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist


def member_rows(members) -> list[dict]:
    return [
        {
            "payer": "sandbox",
            "member_id": m.member_id,
            "patient_first_name": m.first_name,
            "patient_last_name": m.last_name,
            "patient_dob": m.date_of_birth.isoformat(),
            "service_date": "2026-11-01",
            "service_type": "30",
        }
        for m in members
    ]


def test_log_masks_member_ids_names_and_birth_dates_by_default(sandbox, engine, tmp_path):
    members = [m for m in sandbox.data.members if len(m.last_name) > 4][:4]

    summary = run_worklist(
        write_worklist(tmp_path / "m.csv", member_rows(members)), settings=engine.model_copy(update={"mode": "page"})
    )

    log = (summary.run_dir / "log.jsonl").read_text()
    started = [json.loads(line) for line in log.splitlines() if '"item_started"' in line]
    assert len(started) == len(members)
    for member in members:
        assert member.member_id not in log and member.last_name not in log
        assert member.date_of_birth.isoformat() not in log and member.date_of_birth.strftime("%m/%d/%Y") not in log
    assert {event["member_id"][-4:] for event in started} == {m.member_id[-4:] for m in members}
    assert all(event["member_id"].startswith("*") for event in started)
    results = (summary.run_dir / "results.jsonl").read_text()
    assert all(member.member_id in results for member in members)  # results keep full values: they are the product
    assert json.loads((summary.run_dir / "manifest.json").read_text())["settings"]["phi_in_logs"] is False


def test_opting_out_of_masking_is_recorded_in_the_manifest(sandbox, engine, tmp_path):
    member = sandbox.data.members[10]

    summary = run_worklist(
        write_worklist(tmp_path / "m.csv", member_rows([member])), settings=engine.model_copy(update={"phi_in_logs": True})
    )

    assert member.member_id in (summary.run_dir / "log.jsonl").read_text()
    assert json.loads((summary.run_dir / "manifest.json").read_text())["settings"]["phi_in_logs"] is True


def test_run_and_state_files_are_owner_only_whatever_the_umask(sandbox, engine_as, tmp_path):
    settings = engine_as("clinic3").model_copy(update={"mode": "page", "trace": "always"})
    claims = sandbox.data.claims[720:724]
    previous = os.umask(0)
    try:
        sandbox.configure(spinner_ms=2500)
        failing = run_worklist(
            write_worklist(tmp_path / "w.csv", [{"payer": "sandbox", "claim_number": c.claim_number} for c in claims]),
            settings=settings.model_copy(
                update={"navigation_timeout_ms": 1200, "retry": settings.retry.model_copy(update={"attempts": 1})}
            ),
        )
    finally:
        os.umask(previous)
    assert any(
        path.endswith("trace.zip")
        for line in (failing.run_dir / "results.jsonl").read_text().splitlines()
        for path in json.loads(line)["evidence"]
    )
    for root in (failing.run_dir, settings.state_dir):
        for path in [root, *root.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            expected = 0o700 if path.is_dir() else 0o600
            assert mode == expected, f"{path} is {mode:o}"
