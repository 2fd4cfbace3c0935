"""How the clearinghouse prints values: US formats everywhere, as its pages show them.

Dates `MM/DD/YYYY`, date ranges `MM/DD/YYYY to MM/DD/YYYY`, money `$1,234.56` with negatives in
parentheses (`($45.00)`), percentages `20%`, names `Last, First`, and `--` for nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rpa.sandbox.clearinghouse.wording import ABSENT


def us_date(day: date | None) -> str:
    return ABSENT if day is None else day.strftime("%m/%d/%Y")


def date_range(start: date | None, end: date | None) -> str:
    """Always a range, even for one day; an open end prints as `--`."""
    return f"{us_date(start)} to {us_date(end)}"


def money(amount: Decimal | None) -> str:
    if amount is None:
        return ABSENT
    text = f"${abs(amount):,.2f}"
    return f"({text})" if amount < 0 else text


def reduction(amount: Decimal | None) -> str:
    """An amount taken off the payment (an adjustment), printed as the negative it is to the payer."""
    return money(None if amount is None else -amount)


def percent(value: Decimal | None) -> str:
    return ABSENT if value is None else f"{value:f}%"


def listed_name(first: str, last: str) -> str:
    return f"{last}, {first}"


def words(value: object) -> str:
    return ABSENT if value is None or value == "" else str(value)
