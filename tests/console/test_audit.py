"""The audit log: a specialist's lookup, and her viewing its answer, read by a supervisor in the
console and by `rpa console audit`; and the log refuses to be rewritten."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect
from typer.testing import CliRunner

from rpa.cli import app
from rpa.console.audit import Action

from .conftest import shot, sign_in


def test_a_supervisor_reads_the_audit_entries_for_a_specialists_lookup(page: Page, browser: Browser, console_server, sandbox):
    claim = next(record["answer"] for record in sandbox.truth_claims() if record["answer"]["status_category"] == "P3")
    sign_in(page, console_server, "ana")
    page.goto(console_server.url + "/lookup")
    form = page.get_by_role("form", name="Claim status")
    form.get_by_label("Payer").select_option("sandbox")
    form.get_by_label("Claim number").fill(claim["claim_number"])
    form.get_by_role("button", name="Look up").click()
    expect(page.locator(".status-words")).to_have_text(claim["status_text"], timeout=60_000)

    supervisor = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        audit = supervisor.new_page()
        sign_in(audit, console_server, "sue")
        audit.get_by_role("link", name="Audit").click()
        audit.get_by_label("User", exact=True).fill("ana")
        audit.get_by_role("button", name="Filter").click()
        rows = audit.locator("table.audit tbody tr")
        subject = f"claim {claim['claim_number']} (sandbox)"
        looked_up = rows.filter(has=audit.get_by_role("cell", name="lookup claim", exact=True)).filter(has_text=subject)
        expect(looked_up).to_have_count(1)
        viewed = rows.filter(has=audit.get_by_role("cell", name="view lookup", exact=True)).filter(has_text=subject)
        expect(viewed.first).to_contain_text(claim["patient_name"])
        expect(viewed.first).to_contain_text("outcome found")
        expect(rows.first).to_contain_text("ana")
        shot(audit, "audit")
        assert "ana" not in audit.title() and claim["claim_number"] not in audit.url
    finally:
        supervisor.close()

    result = CliRunner().invoke(app, ["console", "audit", "--user", "ana", "--since", date.today().isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in result.output.splitlines()]
    mine = [entry for entry in entries if entry["subject"] == f"claim {claim['claim_number']} (sandbox)"]
    assert [entry["action"] for entry in mine] == [Action.LOOKUP_CLAIM, Action.VIEW_LOOKUP]
    assert all(entry["user"] == "ana" and entry["at"].startswith(date.today().isoformat()) for entry in mine)
    sue = json.loads(CliRunner().invoke(app, ["console", "audit", "--user", "sue", "--json"]).output.splitlines()[-1])
    assert sue["action"] == Action.VIEW_AUDIT


def test_the_audit_log_refuses_to_be_changed_or_deleted(console_server):
    database = console_server.app.state.console.database
    console_server.app.state.console.audit.record("ana", Action.VIEW_FOLLOWUP, "0 claims")
    for statement in ("UPDATE audit SET user = 'nobody'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"), database.connect() as connection:
            connection.execute(statement)
    assert console_server.app.state.console.audit.entries(user="ana", limit=1)[0].action == Action.VIEW_FOLLOWUP
