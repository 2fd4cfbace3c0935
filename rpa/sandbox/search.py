"""The portal's two look-ups, claim search and member eligibility, from query parameters as the
forms and the JSON API send them (dates ISO or MM/DD/YYYY)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from rpa.sandbox.npi import is_valid_npi
from rpa.sandbox.records import Claim, Member, PortalData
from rpa.sandbox.wording import SERVICE_TYPES, Text

PAGE_SIZE = 10
_US_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ValidationFailed(Exception):
    """A query the portal refuses, with a message for the person and a problem per field."""

    def __init__(self, message: str, fields: dict[str, str]):
        super().__init__(message)
        self.message = message
        self.fields = fields


@dataclass(frozen=True)
class ClaimQuery:
    claim_number: str | None
    member_id: str | None
    dob: date | None
    service_from: date | None
    service_to: date | None
    npi: str | None
    plan_id: str | None
    page: int


@dataclass(frozen=True)
class EligibilityQuery:
    member_id: str
    dob: date
    first_name: str | None
    last_name: str | None
    service_type: str
    on_date: date


def parse_claim_query(params: Mapping[str, str]) -> ClaimQuery:
    problems: dict[str, str] = {}
    text = {name: (params.get(name) or "").strip() or None for name in ("claimNumber", "memberId", "npi", "plan")}
    dates = {name: _date_field(params, name, problems) for name in ("dob", "from", "to")}
    if text["npi"] and not is_valid_npi(text["npi"]):
        problems["npi"] = Text.INVALID_NPI
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        problems["from"] = Text.DATES_OUT_OF_ORDER
    if not text["claimNumber"]:
        for name in ("memberId", "dob", "from", "to"):
            if not (params.get(name) or "").strip():
                problems[name] = Text.REQUIRED
    page = params.get("page") or "1"
    if not page.isdigit() or int(page) < 1:
        problems["page"] = "Enter a page number."
    if problems:
        required = Text.REQUIRED in problems.values()
        raise ValidationFailed(Text.CLAIM_SEARCH_HINT if required else next(iter(problems.values())), problems)
    return ClaimQuery(
        claim_number=text["claimNumber"],
        member_id=text["memberId"],
        dob=dates["dob"],
        service_from=dates["from"],
        service_to=dates["to"],
        npi=text["npi"],
        plan_id=text["plan"],
        page=int(page),
    )


def search_claims(data: PortalData, query: ClaimQuery) -> list[Claim]:
    """Matching claims, newest service date first. Every field given narrows the search."""
    if query.claim_number:
        found = data.claim_by_number(query.claim_number)
        candidates = [found] if found else []
    else:
        candidates = data.claims_of(query.member_id or "")
    plan = data.plan(query.plan_id) if query.plan_id else None
    if query.plan_id and plan is None:
        return []
    matches = [claim for claim in candidates if _matches(claim, query) and plan in (None, claim.member.plan)]
    return sorted(matches, key=lambda claim: (-claim.service_from.toordinal(), claim.claim_number))


def parse_eligibility_query(params: Mapping[str, str], today: date) -> EligibilityQuery:
    problems: dict[str, str] = {}
    member_id = (params.get("memberId") or "").strip()
    dob = _date_field(params, "dob", problems)
    on_date = _date_field(params, "date", problems) or today
    service_type = (params.get("serviceType") or "30").strip()
    if service_type not in SERVICE_TYPES:
        problems["serviceType"] = "Choose a service type."
    for name, value in (("memberId", member_id), ("dob", dob)):
        if not value and name not in problems:
            problems[name] = Text.REQUIRED
    if problems:
        required = Text.REQUIRED in problems.values()
        raise ValidationFailed(Text.ELIGIBILITY_REQUIRED if required else next(iter(problems.values())), problems)
    return EligibilityQuery(
        member_id=member_id,
        dob=dob,
        first_name=(params.get("firstName") or "").strip() or None,
        last_name=(params.get("lastName") or "").strip() or None,
        service_type=service_type,
        on_date=on_date,
    )


def find_member(data: PortalData, query: EligibilityQuery) -> Member | None:
    """The member when ID and birth date match, and the names too when given (case aside)."""
    member = data.member(query.member_id)
    if member is None or member.date_of_birth != query.dob:
        return None
    for given, actual in ((query.first_name, member.first_name), (query.last_name, member.last_name)):
        if given and given.casefold() != actual.casefold():
            return None
    return member


def parse_date(text: str) -> date:
    """A date typed MM/DD/YYYY or sent ISO; ValueError otherwise."""
    text = text.strip()
    if _US_DATE.match(text):
        return datetime.strptime(text, "%m/%d/%Y").date()
    if _ISO_DATE.match(text):
        return date.fromisoformat(text)
    raise ValueError(text)


def _date_field(params: Mapping[str, str], name: str, problems: dict[str, str]) -> date | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        problems[name] = Text.INVALID_DATE
        return None


def _matches(claim: Claim, query: ClaimQuery) -> bool:
    member = claim.member
    if query.member_id and member.member_id != query.member_id.upper():
        return False
    if query.dob and member.date_of_birth != query.dob:
        return False
    if query.service_from and claim.service_from < query.service_from:
        return False
    if query.service_to and claim.service_to > query.service_to:
        return False
    return not query.npi or claim.provider.npi == query.npi
