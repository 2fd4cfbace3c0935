"""UI v3: the client-rendered app of web components (open shadow roots), read with Playwright's
role and label locators, agreeing with the ground truth; the feed, the drawer and the obstacles."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rpa.sandbox.clock import today
from rpa.sandbox.truth import claim_truth, eligibility_truth

from .helpers import Codes, enter_password, read_table, section
from .reading import claim_from_page, eligibility_from_page


@pytest.fixture(scope="module")
def app(sandbox, browser) -> Page:
    """One signed-in v3 page for the module's reading tests."""
    sandbox.configure(ui="v3")
    context = browser.new_context()
    context.set_default_timeout(5000)
    page = context.new_page()
    page.goto(sandbox.url + "/home")
    enter_password(page, sandbox, "clinic4")
    page.get_by_label("Verification code").fill(Codes(sandbox).next("clinic4"))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Welcome, Valley Cardiology Billing")).to_be_visible()
    yield page
    context.close()
    sandbox.configure()
    sandbox.reset()


def _search_claim_number(page: Page, sandbox, number: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claim Status").click()
    page.get_by_label("Claim Number").fill(number)
    page.get_by_role("button", name="Search").click()


@pytest.mark.parametrize(
    "status",
    ["Finalized - Paid", "Finalized - Denied", "Pended - Additional Information Requested", "Rejected - Invalid Information"],
)
def test_a_claim_opened_from_the_results_reads_its_ground_truth_in_the_drawer(sandbox, app: Page, status):
    claim = max(
        (c for c in sandbox.data.claims if c.status == status),
        key=lambda c: (len(c.lines), sum(len(line.adjustments) for line in c.lines)),
    )
    _search_claim_number(app, sandbox, claim.claim_number)
    card = app.get_by_role("article", name=f"Claim {claim.claim_number}")
    expect(card.get_by_role("img", name=status, exact=True)).to_be_visible()
    card.get_by_role("button", name=f"Open claim {claim.claim_number}").click()
    drawer = app.get_by_role("dialog", name=f"Claim {claim.claim_number}")
    expect(drawer).to_be_visible()
    assert claim_from_page(drawer) == claim_truth(claim)
    badge = section(drawer, "Claim Summary").get_by_role("img", name=status, exact=True)
    assert badge.inner_text() != status, "the badge shows a short form; its meaning is its aria-label"
    assert app.locator("sbx-app").evaluate("app => app.shadowRoot.mode") == "open"
    drawer.get_by_role("button", name="Close claim details").click()
    expect(app.get_by_role("dialog")).to_have_count(0)
    expect(card).to_be_visible()


def test_eligibility_reads_its_ground_truth_with_met_amounts_as_progress_bars(sandbox, app: Page):
    day = today()
    member = next(m for m in sandbox.data.members if m.active_on(day) and m.plan.id == "ppo-gold")
    app.get_by_role("link", name="Eligibility & Benefits").click()
    app.get_by_label("Member ID").fill(member.member_id)
    app.get_by_label("Date of Birth").fill(member.date_of_birth.strftime("%m/%d/%Y"))
    app.get_by_role("button", name="Check Eligibility").click()
    assert eligibility_from_page(app) == eligibility_truth(member, "30", day)
    benefits = section(app, "Benefits")
    rows = read_table(benefits.get_by_role("table"))
    meters = benefits.get_by_role("progressbar")
    with_met = [row for row in rows if row["Remaining"] != "—"]
    assert with_met and meters.count() == len(with_met)
    for row, meter in zip(with_met, meters.all()):
        assert meter.get_attribute("aria-label") == f"{row['Benefit']} met"
        maximum, met = meter.get_attribute("aria-valuemax"), meter.get_attribute("aria-valuenow")
        assert f"${float(maximum):,.2f}" == row["Amount"]
        assert f"${float(maximum) - float(met):,.2f}" == row["Remaining"]
        assert meter.get_attribute("aria-valuetext") == f"${float(met):,.2f} of {row['Amount']}"


def test_results_scroll_in_ten_at_a_time_until_the_end(sandbox, app: Page):
    members = {}
    for claim in sandbox.data.claims:
        members.setdefault(claim.member.member_id, []).append(claim)
    claims = sorted(max(members.values(), key=len), key=lambda c: (-c.service_from.toordinal(), c.claim_number))
    member = claims[0].member
    assert len(claims) > 20
    app.get_by_role("link", name="Claim Status").click()
    app.get_by_label("Member ID").fill(member.member_id)
    app.get_by_label("Patient Date of Birth").fill(member.date_of_birth.strftime("%m/%d/%Y"))
    app.get_by_label("Service Date From").fill("01/01/2020")
    app.get_by_label("Service Date To").fill("12/31/2026")
    app.get_by_role("button", name="Search").click()
    feed = app.get_by_role("feed", name="Claim search results")
    cards = feed.get_by_role("article")
    expect(cards).to_have_count(10)
    expect(app.get_by_test_id("results-count")).to_have_text(f"Showing 10 of {len(claims)} claims")
    assert cards.first.get_attribute("aria-setsize") == str(len(claims))
    while cards.count() < len(claims):
        shown = cards.count()
        cards.last.scroll_into_view_if_needed()
        expect(cards).to_have_count(min(shown + 10, len(claims)))
    expect(app.get_by_text("End of results.")).to_be_visible()
    assert feed.get_attribute("aria-busy") == "false"
    names = [card.get_attribute("aria-label") for card in cards.all()]
    assert names == [f"Claim {c.claim_number}" for c in claims]
    assert [card.get_attribute("aria-posinset") for card in cards.all()] == [str(n) for n in range(1, len(claims) + 1)]


def test_a_failing_api_shows_the_apology_and_an_ended_session_returns_to_sign_in(portal, page: Page, sign_in):
    portal.configure(ui="v3")
    claim = portal.data.claims[7]
    sign_in(page, path="/claims")
    portal.configure(ui="v3", error_rate=1)
    page.evaluate(
        "path => { history.pushState(null, '', path); dispatchEvent(new PopStateEvent('popstate')); }",
        f"/claims/results?claimNumber={claim.claim_number}",
    )
    expect(page.get_by_role("alert")).to_have_text("We're sorry, something went wrong. Please try again.")
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    portal.configure(ui="v3")
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("article", name=f"Claim {claim.claim_number}")).to_be_visible()
    portal.expire_sessions()
    page.get_by_role("article").get_by_role("button").click()
    expect(page.get_by_role("alert")).to_have_text("Your session has expired. Please sign in again.")
    assert "/login?expired=1" in page.url
