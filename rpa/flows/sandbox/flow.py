"""Sandbox Health Provider Portal: the project's own payer site (`rpa sandbox serve`).

Pages and JSON are described in docs/sandbox-portal.md. Sign-in is declared in `selectors.yaml`;
both modes read the portal into one record keyed through `wording.yaml`'s field tables, and the
kit's one normalizer turns it into the X12 answer, so page mode and API mode cannot disagree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rpa.core.errors import FlowError, PortalDown, RpaError
from rpa.core.models import Task
from rpa.core.settings import PortalLimits
from rpa.flows.sandboxes import SandboxPortal
from rpa.payers.flow import Answered, Flow, Payer
from rpa.portal.api import ApiUnavailable, json_shape
from rpa.portal.formats import us_date


class SandboxFlow(SandboxPortal, Flow):
    portal_id = "sandbox"
    sandbox_portal = "sandbox"
    display_name = "Sandbox Health Provider Portal"
    payers = (Payer("sandbox", "Sandbox Health", filing_limit_days=180),)
    tasks = frozenset({Task.CLAIM_STATUS, Task.ELIGIBILITY})
    api_tasks = frozenset({Task.CLAIM_STATUS, Task.ELIGIBILITY})
    limits = PortalLimits(max_sessions=8, sign_ins_at_once=4)
    required_elements = (
        "claims.claim_number", "claims.member_id", "claims.dob", "claims.from", "claims.to", "claims.npi",
        "claims.search", "claims.results", "claims.no_results", "claims.next",
        "claim.summary", "claim.detail", "claim.adjustments", "claim.no_adjustments", "claim.lines",
        "elig.member_id", "elig.dob", "elig.first_name", "elig.last_name", "elig.service_type", "elig.date",
        "elig.submit", "elig.summary", "elig.benefits", "elig.no_benefits", "elig.not_found",
    )  # fmt: skip

    async def sign_out(self, portal) -> None:
        await portal.goto("/logout")

    def api_failure(self, status: int, body: Any) -> RpaError | None:
        error = body.get("error") if isinstance(body, dict) else None
        if error == "maintenance":
            return PortalDown(f"the portal is in maintenance: {body.get('message', '')}".strip())
        if status == 400 and error == "validation":
            return FlowError(f"the portal refused the search: {body.get('message')} {body.get('fields')}")
        return None

    # -- claim status -----------------------------------------------------------------------

    async def claim_status(self, portal, query) -> Answered:
        await portal.goto("/claims", expect=["claims.search"])
        if query.claim_number:
            await portal.fill("claims.claim_number", query.claim_number)
        else:
            await portal.fill("claims.member_id", query.member_id)
            await portal.fill("claims.dob", us_date(query.patient_dob))
            await portal.fill("claims.from", us_date(query.service_date_from))
            await portal.fill("claims.to", us_date(query.service_date_to))
        if query.provider_npi:
            await portal.fill("claims.npi", query.provider_npi)
        shown = await portal.click_and_wait("claims.search", ["claims.results", "feed.card", "claims.no_results"])
        if shown == "claims.no_results":
            return self.claim_not_found(query, await portal.text("claims.no_results"))
        if shown == "feed.card":  # UI v3: an infinite feed of cards, the detail in a drawer
            row = await self.find_claim_in_feed(
                portal, query, items="feed.card", feed="feed.list", end="feed.end", heading="Claim Number"
            )
            if row is None:
                return self.claim_not_found(query)
            params = {"claim_number": row.claim_number}
            await portal.click_and_wait("feed.open", ["claim.summary"], params=params, repeatable=False)
            detail = "claim.drawer"
        else:
            row = await self.find_claim(portal, query, results="claims.results", next_page="claims.next")
            if row is None:
                return self.claim_not_found(query)
            links = row.raw["Claim Number"].links
            await portal.goto(links[0] if links else f"/claims/{row.payer_claim_id}", expect=["claim.summary"])
            detail = "claim.detail"
        wording = self.wording(query.payer)
        record = wording.record("claim", await portal.read_fields(detail))
        shown = await portal.wait_for_first(["claim.adjustments", "claim.no_adjustments"])
        adjustments = await portal.read_table("claim.adjustments") if shown == "claim.adjustments" else []
        record["adjustments"] = [wording.record("adjustment", row) for row in adjustments]
        record["lines"] = [wording.record("line", row) for row in await portal.read_table("claim.lines")]
        return self.claim_answer(query, record)

    async def claim_status_api(self, api, query) -> Answered:
        params: dict[str, Any] = {"npi": query.provider_npi}
        if query.claim_number:
            params["claimNumber"] = query.claim_number
        else:
            params.update(memberId=query.member_id, dob=query.patient_dob.isoformat())
            params.update({"from": query.service_date_from.isoformat(), "to": query.service_date_to.isoformat()})
        wording = self.wording(query.payer)
        rows: list[dict[str, Any]] = []
        page_number, pages = 1, 1
        while page_number <= pages:
            _, body = await api.get_json("/api/claims/search", {**params, "page": page_number})
            with json_shape("claim search"):
                rows += [wording.record("result", row) for row in body["results"]]
                pages = int(body.get("totalPages") or 0)
            page_number += 1
        match = self.pick_claim(query, rows)
        if match is None:
            return self.claim_not_found(query)
        _, body = await api.get_json(f"/api/claims/{match.payer_claim_id}")
        with json_shape("claim detail"):
            return self.claim_answer(query, wording.record("claim", body))

    # -- eligibility ------------------------------------------------------------------------

    async def eligibility(self, portal, query) -> Answered:
        await portal.goto("/eligibility", expect=["elig.submit"])
        await portal.fill("elig.member_id", query.member_id)
        await portal.fill("elig.dob", us_date(query.patient_dob))
        if query.patient_first_name:
            await portal.fill("elig.first_name", query.patient_first_name)
        if query.patient_last_name:
            await portal.fill("elig.last_name", query.patient_last_name)
        await portal.select("elig.service_type", query.service_type)
        await portal.fill("elig.date", us_date(query.service_date or date.today()))
        if await portal.click_and_wait("elig.submit", ["elig.summary", "elig.not_found"]) == "elig.not_found":
            return self.member_not_found(query, await portal.text("elig.not_found"))
        wording = self.wording(query.payer)
        record = wording.record("eligibility", await portal.read_fields("elig.summary"))
        shown = await portal.wait_for_first(["elig.benefits", "elig.no_benefits"])
        rows = await portal.read_table("elig.benefits") if shown == "elig.benefits" else []
        record["benefits"] = [wording.record("benefit", row) for row in rows]
        return self.eligibility_answer(query, record)

    async def eligibility_api(self, api, query) -> Answered:
        params = {
            "memberId": query.member_id,
            "dob": query.patient_dob.isoformat(),
            "firstName": query.patient_first_name,
            "lastName": query.patient_last_name,
            "serviceType": query.service_type,
            "date": (query.service_date or date.today()).isoformat(),
        }
        status, body = await api.get_json("/api/eligibility", params, ok=(200, 404))
        if status == 404:
            if not isinstance(body, dict) or body.get("error") != "member_not_found":
                raise ApiUnavailable(f"eligibility answered 404 without a member-not-found body: {body!r}"[:300])
            return self.member_not_found(query, body.get("message", ""))
        with json_shape("eligibility"):
            return self.eligibility_answer(query, self.wording(query.payer).record("eligibility", body))
