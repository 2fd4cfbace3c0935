"""The follow-up queue in the browser: the latest run's list by dollars at stake, filters, and a
claim assigned, noted and marked worked that stays so after the console restarts and after a
new run of the same claim; exported to a workbook with its state."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from rpa.console.followups import Filters, FollowUpBoard, filtered
from rpa.runs.followup import build_followup

from .conftest import shot, sign_in

NOTE = "Called the payer: appeal sent with the records, reference A-1182"


def money(value: Decimal) -> str:
    return f"${value:,.2f}"


def test_a_claim_assigned_noted_and_worked_stays_worked_after_a_restart_and_a_new_run(
    page: Page, console_server, claims_run, api_engine
):
    store = claims_run()
    board = FollowUpBoard(console_server.app.state.console.database, api_engine)
    open_now = {item.key for item in filtered(board.items(), Filters(), "ana")}  # other tests may have worked some
    expected = [item for item in build_followup(store, api_engine).items if f"sandbox:{item.claim_number}" in open_now]
    sign_in(page, console_server, "ana")

    page.goto(console_server.url + "/followup")
    rows = page.locator("table.worklist tbody tr")
    expect(rows).to_have_count(len(expected))
    amounts = [Decimal(text.strip("$").replace(",", "")) for text in rows.locator("td:first-child").all_inner_texts()]
    assert amounts == sorted(amounts, reverse=True) == [item.at_stake for item in expected]
    shot(page, "followup")

    page.get_by_label("Queue").select_option("denied")
    page.get_by_role("button", name="Filter").click()
    denied = [item for item in expected if item.queue == "denied"]
    expect(rows).to_have_count(len(denied))
    top = denied[0]
    row = page.locator(f'tr[data-claim="{top.claim_number}"]')

    row.get_by_text("Work", exact=True).click()
    row.get_by_label("Assign to").select_option("ana")
    row.get_by_role("button", name="Assign").click()
    expect(row.locator('[data-field="assignee"]')).to_have_text("ana")
    assert "queue=denied" in page.url  # the filters survive the action

    row.get_by_text("Work", exact=True).click()
    shot(page, "followup-work-panel")
    row.get_by_label("Note").fill(NOTE)
    row.get_by_role("button", name="Mark worked").click()
    expect(row).to_have_count(0)  # worked: off the open list

    console_server.restart()
    page.goto(console_server.url + "/followup?view=worked")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()  # a new key: sessions ended
    sign_in(page, console_server, "ana")
    page.goto(console_server.url + "/followup?view=worked")
    expect(row.locator('[data-field="state"]')).to_contain_text("worked")
    expect(row.locator('[data-field="state"]')).to_contain_text("by ana")
    expect(row.locator('[data-field="assignee"]')).to_have_text("ana")
    row.get_by_text("Work", exact=True).click()
    expect(row.locator("ol.history")).to_contain_text(NOTE)

    newer = claims_run()
    page.reload()
    expect(row.locator('[data-field="state"]')).to_contain_text("worked")
    [item] = [item for item in board.items() if item.follow_up.claim_number == top.claim_number]
    assert item.run_id == newer.run_id and item.status == "worked" and item.state.assignee == "ana"
    shot(page, "followup-worked")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export to Excel").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))["Follow-up"]
    header = [cell.value for cell in sheet[1]]
    [line] = [dict(zip(header, (cell.value for cell in row_cells))) for row_cells in sheet.iter_rows(min_row=2)]
    assert line["claim_number"] == top.claim_number and line["state"] == "worked" and line["assignee"] == "ana"
    assert line["last_note"] == NOTE and Decimal(str(line["at_stake"])) == top.at_stake


def test_a_snoozed_claim_leaves_the_open_list_until_its_day(page: Page, console_server, claims_run, api_engine):
    store = claims_run()
    pended = next(item for item in build_followup(store, api_engine).items if item.queue == "pended")
    sign_in(page, console_server, "ben")
    page.goto(console_server.url + "/followup?queue=pended")
    row = page.locator(f'tr[data-claim="{pended.claim_number}"]')
    row.get_by_text("Work", exact=True).click()
    row.get_by_label("Snooze until").fill((date.today() + timedelta(days=3)).isoformat())
    row.get_by_role("button", name="Snooze").click()
    expect(row).to_have_count(0)

    page.goto(console_server.url + "/followup?view=snoozed")
    expect(row.locator('[data-field="state"]')).to_contain_text("snoozed")
    row.get_by_text("Work", exact=True).click()
    row.get_by_role("button", name="Reopen").click()
    page.goto(console_server.url + "/followup")
    expect(row.locator('[data-field="state"]')).to_contain_text("open")


def test_the_queue_filters_by_queue_payer_and_age_since_service(console_server, claims_run, api_engine):
    store = claims_run()
    board = FollowUpBoard(console_server.app.state.console.database, api_engine)
    items = board.items()
    everything = filtered(items, Filters(view="all"), "ana")

    assert {item.follow_up.item_id for item in everything} == {item.item_id for item in build_followup(store, api_engine).items}
    assert all(item.follow_up.queue == "rejected" for item in filtered(items, Filters(queue="rejected", view="all"), "ana"))
    assert filtered(items, Filters(payer="summit", view="all"), "ana") == []
    for bucket, (low, high) in {"0-30": (0, 30), "91-180": (91, 180), "over-180": (181, 10**6)}.items():
        chosen = filtered(items, Filters(age=bucket, view="all"), "ana")
        assert chosen == [item for item in everything if low <= item.age_days <= high]
    assert sum(
        len(filtered(items, Filters(age=bucket, view="all"), "ana"))
        for bucket in ("0-30", "31-60", "61-90", "91-180", "over-180")
    ) == len(everything)
