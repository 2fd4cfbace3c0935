"""Values as X12 writes them, read from a result's JSON answer (decimal strings, ISO dates)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any


def d8(day: date | None) -> str | None:
    """CCYYMMDD."""
    return f"{day:%Y%m%d}" if day else None


def period(start: date, end: date | None) -> tuple[str, str]:
    """DTP02 and DTP03: `D8` for one day, `RD8` for a range."""
    if end is None or end == start:
        return "D8", f"{start:%Y%m%d}"
    return "RD8", f"{start:%Y%m%d}-{end:%Y%m%d}"


def decimal_text(amount: Decimal | None) -> str | None:
    """X12 decimals carry no trailing zeros: 125.50 is `125.5`, 100.00 is `100`, 0.20 is `0.2`."""
    if amount is None:
        return None
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def answer_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def answer_amount(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def first_known(*values: Any) -> Any:
    """The first value that is not None (a zero amount is known)."""
    return next((value for value in values if value is not None), None)
