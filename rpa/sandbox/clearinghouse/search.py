"""The clearinghouse's two inquiries as its forms post them: claim status (by member or by claim
number, for a payer and one of the organization's providers) and eligibility. Dates are typed
MM/DD/YYYY only; a form with problems comes back with one message per field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from rpa.sandbox.clearinghouse.data import ClearinghouseData
from rpa.sandbox.clearinghouse.payers import Payer, SearchKey
from rpa.sandbox.clearinghouse.wording import SERVICE_TYPES, Text
from rpa.sandbox.records import Claim, Member, Provider

PAGE_SIZE = 10
_US_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


class SearchBy(StrEnum):
    MEMBER = "member"
    CLAIM = "claim"


class FormInvalid(Exception):
    """A form the portal sends back, with a message per field (keyed by the field's name)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(Text.FIX_ERRORS)
        self.errors = errors


@dataclass(frozen=True)
class ClaimSearch:
    payer: Payer
    provider: Provider
    by: SearchBy
    member_id: str = ""
    dob: date | None = None
    service_from: date | None = None
    service_to: date | None = None
    claim_number: str = ""
    page: int = 1


@dataclass(frozen=True)
class ClaimSearchResult:
    claims: list[Claim]
    message: str | None
    """Why there are no claims: the patient is unknown, or nothing matched."""


@dataclass(frozen=True)
class EligibilityInquiry:
    payer: Payer
    provider: Provider
    member_id: str
    dob: date
    first_name: str | None
    last_name: str | None
    service_type: str
    as_of: date


def parse_claim_search(data: ClearinghouseData, form: Mapping[str, str], today: date) -> ClaimSearch:
    errors: dict[str, str] = {}
    payer = data.payer(form.get("payer", ""))
    provider = data.provider_by_key(form.get("provider", ""))
    if provider is None:
        errors["provider"] = Text.CHOOSE_PROVIDER
    by = SearchBy.CLAIM if form.get("searchBy") == SearchBy.CLAIM else SearchBy.MEMBER
    values: dict = {}
    if by == SearchBy.CLAIM:
        values["claim_number"] = _required(form, "claimNumber", Text.CLAIM_NUMBER, errors)
    else:
        values["member_id"] = _required(form, "memberId", Text.MEMBER_ID, errors)
        values["dob"] = _us_date(form, "dob", Text.PATIENT_DOB, errors, today)
        values["service_from"] = _us_date(form, "from", Text.SERVICE_FROM, errors, today)
        values["service_to"] = _us_date(form, "to", Text.SERVICE_TO, errors, today)
        if values["service_from"] and values["service_to"] and values["service_from"] > values["service_to"]:
            errors["from"] = Text.DATES_OUT_OF_ORDER
    if payer is None:
        errors["payer"] = Text.CHOOSE_PAYER
    if errors:
        raise FormInvalid(errors)
    page = form.get("page", "1")
    return ClaimSearch(payer, provider, by, page=int(page) if page.isdigit() and int(page) > 0 else 1, **values)


def search_claims(data: ClearinghouseData, search: ClaimSearch) -> ClaimSearchResult:
    """The payer's answer: by claim number (the payer's or the provider's own), or the member's
    claims around the dates entered as far as the payer looks, in the payer's order."""
    payer = search.payer
    if search.by == SearchBy.CLAIM:
        claim = data.claim_by_number(search.claim_number)
        found = [claim] if claim and data.payer_of(claim.member) == payer and _billed_by(claim, search) else []
        return ClaimSearchResult(found, None if found else Text.NO_CLAIMS)
    member = data.member(search.member_id)
    if member is None or data.payer_of(member) != payer or member.date_of_birth != search.dob:
        return ClaimSearchResult([], Text.PATIENT_NOT_FOUND)
    claims = [claim for claim in data.claims_of(member.member_id) if _billed_by(claim, search) and _in_window(claim, search)]
    return ClaimSearchResult(sorted(claims, key=payer.order), None if claims else Text.NO_CLAIMS)


def parse_eligibility(data: ClearinghouseData, form: Mapping[str, str], today: date) -> EligibilityInquiry:
    errors: dict[str, str] = {}
    payer = data.payer(form.get("payer", ""))
    if payer is None:
        errors["payer"] = Text.CHOOSE_PAYER
    provider = data.provider_by_key(form.get("provider", ""))
    if provider is None:
        errors["provider"] = Text.CHOOSE_PROVIDER
    member_id = _required(form, "memberId", Text.MEMBER_ID, errors)
    dob = _us_date(form, "dob", Text.DATE_OF_BIRTH, errors, today)
    as_of = _us_date(form, "asOf", Text.AS_OF, errors, None) if form.get("asOf", "").strip() else today
    service_type = form.get("serviceType", "30")
    if service_type not in SERVICE_TYPES:
        errors["serviceType"] = Text.REQUIRED.format(label=Text.SERVICE_TYPE)
    if errors:
        raise FormInvalid(errors)
    names = {name: form.get(name, "").strip() or None for name in ("firstName", "lastName")}
    return EligibilityInquiry(payer, provider, member_id, dob, names["firstName"], names["lastName"], service_type, as_of)


def find_member(data: ClearinghouseData, inquiry: EligibilityInquiry) -> Member | None:
    """The payer's member when ID and birth date match, and the names too when given (case aside)."""
    member = data.member(inquiry.member_id)
    if member is None or data.payer_of(member) != inquiry.payer or member.date_of_birth != inquiry.dob:
        return None
    for given, actual in ((inquiry.first_name, member.first_name), (inquiry.last_name, member.last_name)):
        if given and given.casefold() != actual.casefold():
            return None
    return member


def _billed_by(claim: Claim, search: ClaimSearch) -> bool:
    """The claim is the provider's as the payer knows providers: by NPI, or by Tax ID."""
    if search.payer.search_key == SearchKey.TAX_ID:
        return claim.provider.tax_id == search.provider.tax_id
    return claim.provider.npi == search.provider.npi


def _in_window(claim: Claim, search: ClaimSearch) -> bool:
    days = search.payer.date_window_days
    if days is None:
        return True
    widen = timedelta(days=days)
    return claim.service_from <= search.service_to + widen and claim.service_to >= search.service_from - widen


def _required(form: Mapping[str, str], name: str, label: str, errors: dict[str, str]) -> str:
    value = form.get(name, "").strip()
    if not value:
        errors[name] = Text.REQUIRED.format(label=label)
    return value


def _us_date(form: Mapping[str, str], name: str, label: str, errors: dict[str, str], today: date | None) -> date | None:
    """A date typed MM/DD/YYYY, not after `today` when one is given."""
    value = form.get(name, "").strip()
    if not value:
        errors[name] = Text.REQUIRED.format(label=label)
        return None
    try:
        if not _US_DATE.match(value):
            raise ValueError(value)
        typed = datetime.strptime(value, "%m/%d/%Y").date()
    except ValueError:
        errors[name] = Text.INVALID_DATE.format(label=label)
        return None
    if today is not None and typed > today:
        errors[name] = Text.FUTURE_DATE.format(label=label)
        return None
    return typed
