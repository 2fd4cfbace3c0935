"""Work items: one validated query (claim status or eligibility) with a stable id.

A worklist row becomes a query only through these models, so every check on input lives here:
a row that fails them is rejected with its field named, and never reaches a portal.
The id is derived from the query's content, so the same row in a resumed run (or the same
one-off lookup) is recognised as the same item.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from rpa.core.models import Money, Task

LATER_FIELDS = frozenset({"provider_tax_id"})
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%Y%m%d", "%m/%d/%y")
MAX_FIELD_LENGTH = 80


def parse_date(value: Any) -> date | None:
    """Dates as billing systems export them: ISO, US `MM/DD/YYYY`, `YYYYMMDD`, or Excel dates."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not 1900 <= parsed.year <= 2100:
            raise ValueError(f"date {text!r} is out of range")
        return parsed
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or MM/DD/YYYY)")


def parse_money(value: Any) -> Decimal | None:
    """`$1,234.50`, `1234.5` or a spreadsheet number, as Decimal cents."""
    if value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace("$", "").replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
        raise ValueError(f"{value!r} is not a plausible amount")
    return amount.quantize(Decimal("0.01"))


def npi_is_valid(npi: str) -> bool:
    """The NPI check digit: Luhn over the 9 digits with the 80840 card-issuer prefix."""
    if not re.fullmatch(r"\d{10}", npi):
        return False
    digits = [int(d) for d in "80840" + npi[:9]]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def _clean_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text) > MAX_FIELD_LENGTH:
        raise ValueError(f"is longer than {MAX_FIELD_LENGTH} characters")
    if any(ord(ch) < 32 for ch in text):
        raise ValueError("contains control characters")
    return text


def _identifier(value: Any) -> str | None:
    text = _clean_text(value)
    if text is None:
        return None
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-]*", text):
        raise ValueError(f"{text!r} may hold only letters, digits and hyphens")
    return text.upper()


class Query(BaseModel):
    """Fields common to every query; `extra` carries worklist columns the tool does not use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    payer: str
    extra: dict[str, str] = Field(default_factory=dict)

    task: Task  # set by each subclass

    @field_validator("payer", mode="before")
    @classmethod
    def _payer(cls, value: Any) -> str:
        text = _clean_text(value)
        if not text:
            raise ValueError("is required")
        return text.lower()

    def identity(self) -> dict:
        """The fields that make two rows the same query (everything but carried columns). Fields
        added later count only when given, so the ids of earlier runs' items stay the same."""
        identity = self.model_dump(mode="json", exclude={"extra"})
        return {key: value for key, value in identity.items() if key not in LATER_FIELDS or value is not None}

    @property
    def item_id(self) -> str:
        digest = hashlib.sha256(json.dumps(self.identity(), sort_keys=True).encode()).hexdigest()
        return digest[:16]


class ClaimStatusQuery(Query):
    """Find a claim by the claim number, or by member + date of birth + service dates."""

    task: Task = Task.CLAIM_STATUS
    claim_number: str | None = None
    member_id: str | None = None
    patient_dob: date | None = None
    provider_npi: str | None = None
    provider_tax_id: str | None = None
    """The billing provider's Tax ID (EIN), `12-3456789`: some payers know providers by it."""
    service_date_from: date | None = None
    service_date_to: date | None = Field(default=None, validate_default=True)
    billed_amount: Money | None = None

    @field_validator("claim_number", "member_id", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> str | None:
        return _identifier(value)

    @field_validator("patient_dob", "service_date_from", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> date | None:
        return parse_date(value)

    @field_validator("service_date_to", mode="before")
    @classmethod
    def _date_to(cls, value: Any, info: ValidationInfo) -> date | None:
        """A single date of service is written as `from` alone."""
        return parse_date(value) or info.data.get("service_date_from")

    @field_validator("billed_amount", mode="before")
    @classmethod
    def _money(cls, value: Any) -> Decimal | None:
        return parse_money(value)

    @field_validator("provider_npi", mode="before")
    @classmethod
    def _npi(cls, value: Any) -> str | None:
        return _validated_npi(value)

    @field_validator("provider_tax_id", mode="before")
    @classmethod
    def _tax_id(cls, value: Any) -> str | None:
        text = _clean_text(value)
        if text is None:
            return None
        digits = re.sub(r"\D", "", text.removesuffix(".0"))
        if len(digits) == 8:  # a spreadsheet that stored the EIN as a number dropped its leading zero
            digits = "0" + digits
        if len(digits) != 9 or not re.fullmatch(r"[\d\-\s]+(\.0)?", text):
            raise ValueError(f"{text!r} is not a Tax ID (9 digits, e.g. 12-3456789)")
        return f"{digits[:2]}-{digits[2:]}"

    @model_validator(mode="after")
    def _searchable(self) -> ClaimStatusQuery:
        if self.patient_dob and self.patient_dob > date.today():
            raise ValueError("patient_dob: is in the future")
        if self.service_date_from and self.service_date_to and self.service_date_to < self.service_date_from:
            raise ValueError("service_date_to: is before service_date_from")
        if self.claim_number:
            return self
        missing = [name for name in ("member_id", "patient_dob", "service_date_from") if getattr(self, name) is None]
        if missing:
            raise ValueError(
                f"{missing[0]}: is required without a claim_number "
                "(give claim_number, or member_id + patient_dob + service dates)"
            )
        return self


class EligibilityQuery(Query):
    """Check a member's coverage and benefits on a date of service."""

    task: Task = Task.ELIGIBILITY
    member_id: str
    patient_dob: date
    patient_first_name: str | None = None
    patient_last_name: str | None = None
    service_date: date | None = None
    """None means the day the lookup runs."""
    service_type: str = "30"
    provider_npi: str | None = None

    @field_validator("member_id", mode="before")
    @classmethod
    def _member(cls, value: Any) -> str:
        member = _identifier(value)
        if not member:
            raise ValueError("is required")
        return member

    @field_validator("patient_dob", mode="before")
    @classmethod
    def _dob(cls, value: Any) -> date:
        parsed = parse_date(value)
        if parsed is None:
            raise ValueError("is required")
        if parsed > date.today():
            raise ValueError("is in the future")
        return parsed

    @field_validator("service_date", mode="before")
    @classmethod
    def _service_date(cls, value: Any) -> date | None:
        return parse_date(value)

    @field_validator("patient_first_name", "patient_last_name", mode="before")
    @classmethod
    def _names(cls, value: Any) -> str | None:
        text = _clean_text(value)
        if text and not re.fullmatch(r"[^\W\d_](?:[^\W\d_]|[ '\-.])*", text):
            raise ValueError(f"{text!r} is not a name")
        return text

    @field_validator("service_type", mode="before")
    @classmethod
    def _service_type(cls, value: Any) -> str:
        text = _clean_text(value)
        if not text:
            return "30"
        if not re.fullmatch(r"[A-Za-z0-9]{1,3}", text):
            raise ValueError(f"{text!r} is not an X12 service type code (e.g. 30, 98, MH)")
        return text.upper()

    @field_validator("provider_npi", mode="before")
    @classmethod
    def _npi(cls, value: Any) -> str | None:
        return _validated_npi(value)


def _validated_npi(value: Any) -> str | None:
    text = _clean_text(value)
    if text is None:
        return None
    if text.endswith(".0"):  # a spreadsheet cell that stored the NPI as a number
        text = text[:-2]
    if not npi_is_valid(text):
        raise ValueError(f"{text!r} is not a valid NPI (10 digits with a correct check digit)")
    return text


QUERY_TYPES: dict[Task, type[Query]] = {
    Task.CLAIM_STATUS: ClaimStatusQuery,
    Task.ELIGIBILITY: EligibilityQuery,
}
