"""Reading values the way portals print them: `$1,234.56`, `11/03/2026`, `20%`, `—`.

Flows read text off pages (and strings out of portal JSON); these turn it into Decimal money
and ISO dates, and treat a portal's "nothing here" marks as null.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from rpa.core.errors import FlowError

ABSENT = {"", "—", "-", "–", "n/a", "N/A", "none", "None"}


def is_absent(text: str | None) -> bool:
    return text is None or str(text).strip() in ABSENT


def money(text: str | None) -> Decimal | None:
    if is_absent(text):
        return None
    cleaned = str(text).strip().replace("$", "").replace(",", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    try:
        amount = Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise FlowError(f"cannot read {text!r} as an amount") from None
    return -amount if negative else amount


def portal_date(text: str | None) -> date | None:
    if is_absent(text):
        return None
    value = str(text).strip()
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise FlowError(f"cannot read {text!r} as a date")


def date_range(text: str | None) -> tuple[date | None, date | None]:
    """`10/01/2026 - 10/03/2026`, or one date for a single day of service."""
    if is_absent(text):
        return None, None
    parts = [part.strip() for part in str(text).replace("–", " - ").split(" - ") if part.strip()]
    start = portal_date(parts[0])
    end = portal_date(parts[-1]) if len(parts) > 1 else start
    return start, end


def percent_ratio(text: str | None) -> Decimal | None:
    """`20%` (or `"20"` in JSON) as the X12 ratio `0.20`."""
    if is_absent(text):
        return None
    cleaned = str(text).strip().rstrip("%").strip()
    try:
        return (Decimal(cleaned) / 100).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise FlowError(f"cannot read {text!r} as a percent") from None


def text_or_none(text: str | None) -> str | None:
    return None if is_absent(text) else str(text).strip()


def us_date(value: date) -> str:
    """How US portals want dates typed: MM/DD/YYYY."""
    return value.strftime("%m/%d/%Y")
