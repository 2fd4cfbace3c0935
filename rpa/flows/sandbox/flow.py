"""Sandbox Health Provider Portal: the project's local payer portal (`rpa sandbox serve`).

Pages and JSON are described in docs/sandbox-portal.md. Both modes read the portal into the
same record (the portal's JSON shape, in its own words); one normalizer turns that record into
the X12 answer through `sandbox_wording.yaml`, so page mode and API mode cannot disagree.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from rpa.core.errors import AuthenticationError, FlowError, NeedsHuman, PortalDown, RpaError
from rpa.payers.flow import Answered, Flow, PayerLimits
from rpa.core.models import Adjustment, Benefit, ClaimStatus, Eligibility, Outcome, ServiceLine, Task
from rpa.portal.api import ApiUnavailable
from rpa.portal.formats import date_range, money, percent_ratio, portal_date, text_or_none, us_date
from rpa.payers.wording import WordingMap, load_wording_map

WORDING_FILE = Path(__file__).with_name("wording.yaml")
NO_CLAIMS = "No claims found matching your search criteria."
LINE_ADJUSTMENT = re.compile(
    r"^(?P<group>.+?) – CARC (?P<carc>[A-Z0-9]+): (?P<text>.+?)(?: – RARC (?P<rarc>[A-Z0-9]+))? – (?P<amount>\$[\d,]+\.\d{2})$"
)


class SandboxFlow(Flow):
    payer_id = "sandbox"
    display_name = "Sandbox Health Provider Portal"
    tasks = frozenset({Task.CLAIM_STATUS, Task.ELIGIBILITY})
    api_tasks = frozenset({Task.CLAIM_STATUS, Task.ELIGIBILITY})
    limits = PayerLimits(max_sessions=8)
    selector_map = "selectors.yaml"
    filing_limit_days = 180
    required_elements = (
        "login.username", "login.password", "login.submit", "login.error",
        "mfa.code", "mfa.remember", "mfa.submit", "home.signed_in",
        "claims.claim_number", "claims.member_id", "claims.dob", "claims.from", "claims.to", "claims.npi",
        "claims.search", "claims.results", "claims.no_results", "claims.pagination", "claims.next",
        "claim.summary", "claim.financial", "claim.payment", "claim.adjustments", "claim.no_adjustments", "claim.lines",
        "elig.member_id", "elig.dob", "elig.first_name", "elig.last_name", "elig.service_type", "elig.date",
        "elig.submit", "elig.summary", "elig.benefits", "elig.no_benefits", "elig.not_found",
    )  # fmt: skip

    def __init__(self, base_url: str, selectors: Any):
        super().__init__(base_url, selectors)
        self.wording: WordingMap = load_wording_map(WORDING_FILE)

    @classmethod
    def start_default_portal(cls) -> str:
        """With no URL configured, use the running sandbox, or start one inside this process."""
        from rpa.sandbox.embedded import ensure_sandbox_url

        return ensure_sandbox_url()

    @classmethod
    def default_credential(cls, base_url: str):
        """The sandbox's own seeded user, so the demo needs no set-up."""
        from rpa.sandbox.embedded import seeded_credential

        return seeded_credential(base_url, cls.payer_id)

    # -- signing in -------------------------------------------------------------------------

    async def sign_in(self, portal, credential, totp) -> None:
        ignore = ("state.signed_out", "state.session_expired")
        if await portal.goto("/login", expect=["login.username", "home.signed_in"], ignore=ignore) == "home.signed_in":
            return  # the portal took an earlier attempt (its answer was lost) and keeps us signed in
        await portal.fill("login.username", credential.username)
        await portal.fill("login.password", credential.password.get_secret_value())
        reached = await portal.click_and_wait(
            "login.submit", ["home.signed_in", "mfa.code", "login.error"], ignore=ignore, repeatable=False
        )
        if reached == "login.error":
            raise AuthenticationError(f"the portal refused the sign-in: {await portal.text('login.error')}")
        if reached == "mfa.code":
            if totp is None:
                raise NeedsHuman(
                    "the portal asks for an MFA code and no TOTP secret is configured",
                    stops_credential=True,
                    fix=f"set RPA_{self.payer_id.upper()}_TOTP_SECRET (or rpa credentials set), then rpa run --resume RUN",
                )
            await portal.check("mfa.remember")
            for attempt in (1, 2):  # a code can be refused for being a window late: one more, as a person would
                await portal.fill("mfa.code", await totp.fresh_code())
                reached = await portal.click_and_wait(
                    "mfa.submit", ["home.signed_in", "login.error", "login.username"], ignore=ignore, repeatable=False
                )
                if reached == "home.signed_in":
                    return
                if attempt == 2 or reached != "login.error" or not await portal.is_visible("mfa.code"):
                    message = (
                        await portal.text("login.error") if await portal.is_visible("login.error") else "sent back to sign-in"
                    )
                    raise AuthenticationError(f"the portal refused the MFA code: {message}")

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
        reached = await portal.click_and_wait("claims.search", ["claims.results", "claims.no_results"])
        page_number = 1
        while reached == "claims.results":
            rows = [_summary_from_row(row) for row in await portal.read_table("claims.results")]
            match = _pick_claim(rows, query)
            if match is not None:
                await portal.goto(match["href"], expect=["claim.summary"])
                return self._claim_answer(await _claim_record_from_page(portal))
            position = re.search(r"Page (\d+) of (\d+)", await portal.text("claims.pagination"))
            if position is None or int(position[1]) >= int(position[2]):
                break
            page_number = int(position[1]) + 1
            await portal.click("claims.next")
            await portal.wait_for_text("claims.pagination", rf"Page {page_number} of")
        return self._claim_not_found(query)

    async def claim_status_api(self, api, query) -> Answered:
        params: dict[str, Any] = {"npi": query.provider_npi}
        if query.claim_number:
            params["claimNumber"] = query.claim_number
        else:
            params.update(
                memberId=query.member_id,
                dob=query.patient_dob.isoformat(),
                **{"from": query.service_date_from.isoformat(), "to": query.service_date_to.isoformat()},
            )
        page_number = 1
        while True:
            _, body = await api.get_json("/api/claims/search", {**params, "page": page_number})
            try:
                rows = [_summary_from_json(row) for row in body["results"]]
                pages = int(body.get("totalPages") or 0)
            except (KeyError, TypeError, ValueError) as error:
                raise ApiUnavailable(f"claim search JSON changed shape: {error!r}") from None
            match = _pick_claim(rows, query)
            if match is not None:
                _, record = await api.get_json(f"/api/claims/{match['claimId']}")
                try:
                    return self._claim_answer(record)
                except (KeyError, TypeError, AttributeError) as error:
                    raise ApiUnavailable(f"claim detail JSON changed shape: {error!r}") from None
            if page_number >= pages:
                return self._claim_not_found(query)
            page_number += 1

    def _claim_answer(self, record: dict[str, Any]) -> Answered:
        return Answered(Outcome.FOUND, claim_from_record(record, self.wording))

    def _claim_not_found(self, query) -> Answered:
        codes = self.wording.lookup("claim_not_found", NO_CLAIMS)
        answer = ClaimStatus(
            claim_number=query.claim_number,
            member_id=query.member_id,
            service_date_from=query.service_date_from,
            service_date_to=query.service_date_to,
            status_category=codes["category"],
            status_code=codes["code"],
            status_text=NO_CLAIMS,
        )
        return Answered(Outcome.NOT_FOUND, answer)

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
        reached = await portal.click_and_wait("elig.submit", ["elig.summary", "elig.not_found"])
        if reached == "elig.not_found":
            return self._member_not_found(query, await portal.text("elig.not_found"))
        summary = await portal.read_fields("elig.summary")
        shown = await portal.wait_for_first(["elig.benefits", "elig.no_benefits"])
        rows = await portal.read_table("elig.benefits") if shown == "elig.benefits" else []
        record = {
            "member": {
                "name": summary.get("Member Name"),
                "memberId": summary.get("Member ID"),
                "dateOfBirth": summary.get("Date of Birth"),
            },
            "coverage": {
                "status": summary.get("Coverage Status"),
                "planName": summary.get("Plan Name"),
                "planType": summary.get("Plan Type"),
                "groupNumber": summary.get("Group Number"),
                "effectiveDate": summary.get("Effective Date"),
                "terminationDate": summary.get("Termination Date"),
                "pcp": summary.get("Primary Care Provider"),
            },
            "benefits": [
                {
                    "serviceType": row["Service Type"].text,
                    "benefit": row["Benefit"].text,
                    "coverageLevel": row["Coverage Level"].text,
                    "network": row["Network"].text,
                    "amount": row["Amount"].text,
                    "timePeriod": row["Time Period"].text,
                    "remaining": row["Remaining"].text,
                    "authorization": row["Authorization"].text,
                    "notes": row["Notes"].text,
                }
                for row in rows
            ],
        }
        return Answered(Outcome.FOUND, eligibility_from_record(record, self.wording))

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
            return self._member_not_found(query, body.get("message", ""))
        try:
            return Answered(Outcome.FOUND, eligibility_from_record(body, self.wording))
        except (KeyError, TypeError, AttributeError) as error:
            raise ApiUnavailable(f"eligibility JSON changed shape: {error!r}") from None

    def _member_not_found(self, query, message: str) -> Answered:
        answer = Eligibility(
            member_id=query.member_id,
            coverage_active=False,
            coverage_status_code=None,
            coverage_status_text=message.strip(),
        )
        return Answered(Outcome.NOT_FOUND, answer)


# -- the one normalizer per task (page records and JSON records alike) -------------------------


def claim_from_record(record: dict[str, Any], wording: WordingMap) -> ClaimStatus:
    status = wording.lookup("claim_status", record["status"])
    amounts = record.get("amounts") or {}
    payment = record.get("payment") or {}
    patient = record.get("patient") or {}
    return ClaimStatus(
        claim_number=record.get("claimNumber"),
        payer_claim_id=record.get("claimId"),
        member_id=patient.get("memberId"),
        patient_name=patient.get("name"),
        service_date_from=portal_date(record.get("serviceDateFrom")),
        service_date_to=portal_date(record.get("serviceDateTo")),
        status_category=status["category"],
        status_code=status["code"],
        status_text=record["status"],
        status_detail=text_or_none(record.get("statusDetail")),
        received_date=portal_date(record.get("receivedDate")),
        adjudicated_date=portal_date(record.get("processedDate")),
        billed_amount=money(amounts.get("billed")),
        allowed_amount=money(amounts.get("allowed")),
        paid_amount=money(amounts.get("paid")),
        patient_responsibility=money(amounts.get("patientResponsibility")),
        check_number=text_or_none(payment.get("number")),
        payment_date=portal_date(payment.get("date")),
        adjustments=[_adjustment(entry, wording) for entry in record.get("adjustments") or []],
        lines=[
            ServiceLine(
                line_number=int(line["lineNumber"]),
                procedure_code=line["procedureCode"],
                modifiers=list(line.get("modifiers") or []),
                service_date=portal_date(line.get("serviceDate")),
                billed_amount=money(line.get("billed")),
                allowed_amount=money(line.get("allowed")),
                paid_amount=money(line.get("paid")),
                status_category=wording.lookup("line_status", line["status"]) if text_or_none(line.get("status")) else None,
                adjustments=[_adjustment(entry, wording) for entry in line.get("adjustments") or []],
            )
            for line in record.get("lines") or []
        ],
    )


def eligibility_from_record(record: dict[str, Any], wording: WordingMap) -> Eligibility:
    member = record["member"]
    coverage = record["coverage"]
    status = wording.lookup("coverage_status", coverage["status"])
    plan_type = text_or_none(coverage.get("planType"))
    benefits: list[Benefit] = []
    for row in record.get("benefits") or []:
        common = {
            "benefit_code": wording.lookup("benefit", row["benefit"]),
            "coverage_level": _optional(wording, "coverage_level", row.get("coverageLevel")),
            "service_type_code": _optional(wording, "service_type", row.get("serviceType")),
            "network": _optional(wording, "network", row.get("network")),
            "authorization_required": _optional(wording, "authorization", row.get("authorization")),
            "text": text_or_none(row.get("notes")),
        }
        amount_text = text_or_none(row.get("amount"))
        is_percent = text_or_none(row.get("percent")) is not None or (amount_text or "").endswith("%")
        percent = percent_ratio(row.get("percent") or amount_text) if is_percent else None
        benefits.append(
            Benefit(
                **common,
                time_period=_optional(wording, "time_period", row.get("timePeriod")),
                amount=None if is_percent else money(amount_text),
                percent=percent,
            )
        )
        if text_or_none(row.get("remaining")) is not None:
            remaining_code = wording.lookup("time_period", "Remaining")
            benefits.append(Benefit(**common, time_period=remaining_code, amount=money(row["remaining"])))
    return Eligibility(
        member_id=text_or_none(member.get("memberId")),
        patient_name=text_or_none(member.get("name")),
        date_of_birth=portal_date(member.get("dateOfBirth")),
        coverage_active=status["active"],
        coverage_status_code=status["code"],
        coverage_status_text=coverage["status"],
        plan_name=text_or_none(coverage.get("planName")),
        plan_type=wording.lookup("plan_type", plan_type) if plan_type else None,
        group_number=text_or_none(coverage.get("groupNumber")),
        coverage_start=portal_date(coverage.get("effectiveDate")),
        coverage_end=portal_date(coverage.get("terminationDate")),
        pcp_name=text_or_none(coverage.get("pcp")),
        benefits=benefits,
    )


def _adjustment(entry: dict[str, Any], wording: WordingMap) -> Adjustment:
    return Adjustment(
        group=wording.lookup("adjustment_group", entry["group"]),
        carc=str(entry["reasonCode"]),
        rarc=text_or_none(entry.get("remarkCode")),
        amount=money(entry["amount"]),
        text=text_or_none(entry.get("reasonText")),
    )


def _optional(wording: WordingMap, table: str, words: str | None) -> Any:
    return None if text_or_none(words) is None else wording.lookup(table, words)


# -- reading pages into records ------------------------------------------------------------


async def _claim_record_from_page(portal) -> dict[str, Any]:
    summary = await portal.read_fields("claim.summary")
    financial = await portal.read_fields("claim.financial")
    payment = await portal.read_fields("claim.payment")
    shown = await portal.wait_for_first(["claim.adjustments", "claim.no_adjustments"])
    adjustments = await portal.read_table("claim.adjustments") if shown == "claim.adjustments" else []
    lines = await portal.read_table("claim.lines")
    service_from, service_to = date_range(summary.get("Service Dates"))
    return {
        "claimId": text_or_none(summary.get("Payer Claim ID")),
        "claimNumber": text_or_none(summary.get("Claim Number")),
        "patient": {"name": text_or_none(summary.get("Patient Name")), "memberId": text_or_none(summary.get("Member ID"))},
        "serviceDateFrom": service_from.isoformat() if service_from else None,
        "serviceDateTo": service_to.isoformat() if service_to else None,
        "status": summary["Claim Status"],
        "statusDetail": summary.get("Status Detail"),
        "receivedDate": summary.get("Received Date"),
        "processedDate": summary.get("Processed Date"),
        "amounts": {
            "billed": financial.get("Total Billed"),
            "allowed": financial.get("Allowed Amount"),
            "paid": financial.get("Paid Amount"),
            "patientResponsibility": financial.get("Patient Responsibility"),
        },
        "payment": {"number": payment.get("Check/EFT Number"), "date": payment.get("Payment Date")},
        "adjustments": [
            {
                "group": row["Group"].text,
                "reasonCode": row["Reason Code"].text,
                "remarkCode": row["Remark Code"].text,
                "amount": row["Amount"].text,
                "reasonText": row["Description"].text,
            }
            for row in adjustments
        ],
        "lines": [
            {
                "lineNumber": row["Line"].text,
                "procedureCode": row["Procedure"].text,
                "modifiers": [m.strip() for m in row["Modifiers"].text.split(",") if text_or_none(m)],
                "serviceDate": row["Service Date"].text,
                "billed": row["Billed"].text,
                "allowed": row["Allowed"].text,
                "paid": row["Paid"].text,
                "status": row["Status"].text,
                "adjustments": [_line_adjustment(item) for item in row["Adjustments"].items],
            }
            for row in lines
        ],
    }


def _line_adjustment(text: str) -> dict[str, Any]:
    match = LINE_ADJUSTMENT.match(" ".join(text.split()))
    if match is None:
        raise FlowError(f"cannot read the service-line adjustment {text!r}")
    return {
        "group": match["group"],
        "reasonCode": match["carc"],
        "reasonText": match["text"],
        "remarkCode": match["rarc"],
        "amount": match["amount"],
    }


def _summary_from_row(row: dict[str, Any]) -> dict[str, Any]:
    service_from, service_to = date_range(row["Service Dates"].text)
    links = row["Claim Number"].links
    return {
        "claimId": row["Payer Claim ID"].text,
        "claimNumber": row["Claim Number"].text,
        "memberId": row["Member ID"].text,
        "serviceDateFrom": service_from,
        "serviceDateTo": service_to,
        "billedAmount": money(row["Billed"].text),
        "href": links[0] if links else f"/claims/{row['Payer Claim ID'].text}",
    }


def _summary_from_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "claimId": row["claimId"],
        "claimNumber": row["claimNumber"],
        "memberId": row["memberId"],
        "serviceDateFrom": portal_date(row["serviceDateFrom"]),
        "serviceDateTo": portal_date(row["serviceDateTo"]),
        "billedAmount": money(row["billedAmount"]),
    }


def _pick_claim(rows: list[dict[str, Any]], query) -> dict[str, Any] | None:
    """The one row that is this claim; several equally good rows need a person to choose."""
    if query.claim_number:
        wanted = query.claim_number.upper()
        candidates = [row for row in rows if wanted in (str(row["claimNumber"]).upper(), str(row["claimId"]).upper())]
    else:
        candidates = [
            row
            for row in rows
            if str(row["memberId"]).upper() == query.member_id
            and row["serviceDateFrom"] == query.service_date_from
            and row["serviceDateTo"] == query.service_date_to
            and (query.billed_amount is None or row["billedAmount"] == Decimal(query.billed_amount))
        ]
    if len(candidates) > 1:
        numbers = ", ".join(str(row["claimNumber"]) for row in candidates)
        raise NeedsHuman(f"{len(candidates)} claims match ({numbers}); add the claim number or billed amount")
    return candidates[0] if candidates else None
