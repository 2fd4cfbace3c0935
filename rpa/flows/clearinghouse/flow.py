"""ClearPath Provider Exchange: a multi-payer portal (`rpa sandbox serve --portal clearinghouse`).

One sign-in (declared in `selectors.yaml`: username, password, how to get the code, the code, a
security question on an unknown device, terms once) serves three payers. Claim status runs in an
iframe: the payer is chosen in a type-ahead list, the provider by the identifier the payer knows
it by, and a claim's detail opens in a pop-up window. Pages only: there is no JSON to read.
Contract: docs/sandbox-clearinghouse.md.
"""

from __future__ import annotations

from datetime import date

from rpa.core.errors import FlowError
from rpa.core.models import Task
from rpa.core.settings import PortalLimits
from rpa.flows.sandboxes import SandboxPortal
from rpa.payers.flow import Answered, Flow, Payer
from rpa.portal.formats import us_date

BY_NPI = {"provider_key": "npi"}
BY_TAX_ID = {"provider_key": "tax_id"}


class ClearinghouseFlow(SandboxPortal, Flow):
    portal_id = "clearinghouse"
    sandbox_portal = "clearinghouse"
    display_name = "ClearPath Provider Exchange"
    payers = (
        Payer("summit", "Summit Health Plan", filing_limit_days=90, wording="payers/summit.yaml", facts=BY_NPI),
        Payer("lakeshore", "Lakeshore Community Health", filing_limit_days=180, wording="payers/lakeshore.yaml", facts=BY_TAX_ID),
        Payer("prairie", "Prairie Mutual Insurance", filing_limit_days=365, wording="payers/prairie.yaml", facts=BY_NPI),
    )
    tasks = frozenset({Task.CLAIM_STATUS, Task.ELIGIBILITY})
    limits = PortalLimits(max_sessions=8, sign_ins_at_once=4)
    credential_fields = ("password", "totp_secret", "security_answer")
    required_elements = (
        "cs.payer", "cs.payer_option", "cs.provider", "cs.tab", "cs.member_id", "cs.dob", "cs.from", "cs.to",
        "cs.claim_number", "cs.submit", "cs.results", "cs.next", "cs.previous", "cs.view", "cs.no_claims",
        "cs.patient_not_found", "cs.form_error", "cs.new_search", "claim.information", "claim.detail",
        "claim.adjustments", "claim.no_adjustments", "claim.lines", "elig.payer", "elig.provider", "elig.member_id",
        "elig.dob", "elig.last_name", "elig.first_name", "elig.service_type", "elig.as_of", "elig.submit",
        "elig.results", "elig.coverage", "elig.benefits", "elig.not_found", "elig.form_error",
    )  # fmt: skip

    @classmethod
    def query_problem(cls, payer, query) -> tuple[str, str] | None:
        """The portal finds claims and members only through one of the organization's providers."""
        by_tax_id = query.task is Task.CLAIM_STATUS and payer.facts["provider_key"] == "tax_id"
        field = "provider_tax_id" if by_tax_id else "provider_npi"
        if getattr(query, field) is None:
            return field, f"is required: ClearPath looks {payer.name} up by the provider's {'Tax ID' if by_tax_id else 'NPI'}"
        return None

    async def claim_status(self, portal, query) -> Answered:
        payer = self.payer(query.payer)
        if await portal.is_visible("cs.new_search"):  # the app shows the last results: a new search, no reload
            await portal.click_and_wait("cs.new_search", ["cs.payer"])
        else:
            await portal.goto("/claims/status", expect=["cs.payer"])
        if await portal.value("cs.payer") != payer.name:
            await portal.choose("cs.payer", payer.name, option="cs.payer_option")
        by_tax_id = payer.facts["provider_key"] == "tax_id"
        await portal.select(
            "cs.provider", containing=f"Tax ID {query.provider_tax_id}" if by_tax_id else f"NPI {query.provider_npi}"
        )
        if query.claim_number:
            await portal.click("cs.tab", tab="Claim number")
            await portal.fill("cs.claim_number", query.claim_number)
        else:
            await portal.fill("cs.member_id", query.member_id)
            await portal.fill("cs.dob", us_date(query.patient_dob))
            await portal.fill("cs.from", us_date(query.service_date_from))
            await portal.fill("cs.to", us_date(query.service_date_to))
        outcomes = ["cs.results", "cs.no_claims", "cs.patient_not_found", "cs.form_error"]
        reached = await portal.click_and_wait("cs.submit", outcomes)
        if reached == "cs.form_error":
            raise FlowError(f"the portal refused the search: {await portal.text('cs.form_error')}")
        if reached != "cs.results":
            return self.claim_not_found(query, await portal.text(reached))
        row = await self.find_claim(portal, query, results="cs.results", next_page="cs.next", previous_page="cs.previous")
        if row is None:
            return self.claim_not_found(query)
        wording = self.wording(query.payer)
        async with portal.new_window("cs.view", claim_number=row.claim_number) as detail:
            await detail.wait_for_first(["claim.information"])
            record = wording.record("claim", await detail.read_fields("claim.detail"))
            shown = await detail.wait_for_first(["claim.adjustments", "claim.no_adjustments"])
            adjustments = await detail.read_table("claim.adjustments") if shown == "claim.adjustments" else []
            lines = await detail.read_table("claim.lines")
        record["adjustments"] = [wording.record("adjustment", row) for row in adjustments]
        record["lines"] = [wording.record("line", row) for row in lines]
        return self.claim_answer(query, record)

    async def eligibility(self, portal, query) -> Answered:
        await portal.goto("/eligibility", expect=["elig.payer"])
        await portal.select("elig.payer", self.payer(query.payer).name)
        await portal.select("elig.provider", containing=f"NPI {query.provider_npi}")
        await portal.fill("elig.member_id", query.member_id)
        await portal.fill("elig.dob", us_date(query.patient_dob))
        if query.patient_last_name:
            await portal.fill("elig.last_name", query.patient_last_name)
        if query.patient_first_name:
            await portal.fill("elig.first_name", query.patient_first_name)
        await portal.select("elig.service_type", query.service_type)
        await portal.fill("elig.as_of", us_date(query.service_date or date.today()))
        reached = await portal.click_and_wait("elig.submit", ["elig.coverage", "elig.not_found", "elig.form_error"])
        if reached == "elig.form_error":
            raise FlowError(f"the portal refused the inquiry: {await portal.text('elig.form_error')}")
        if reached == "elig.not_found":
            return self.member_not_found(query, await portal.text("elig.not_found"))
        wording = self.wording(query.payer)
        record = wording.record("eligibility", await portal.read_fields("elig.results"))
        panels = await portal.read_tabs("elig.benefits") if await portal.is_visible("elig.benefits") else []
        record["benefits"] = [
            {**wording.record("benefit", row), "service_type": panel.tab}
            for panel in panels
            for table in panel.tables
            for row in table
        ]
        return self.eligibility_answer(query, record)
