"""Reading values the way portals print them: `$1,234.56`, `($45.00)`, `11/03/2026`, `20%`, `--`.

Each portal has its own habits (which date patterns, which marks mean "nothing here", how a
range of dates is written), declared in its wording map's `formats:` section and read into a
`Formats`; what a portal does not declare falls back to the common US habits below. Flows read
text off pages (and strings out of portal JSON); these turn it into Decimal money and ISO dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from rpa.core.errors import ConfigError, FlowError

DEFAULT_DATES = ("%m/%d/%Y", "%Y-%m-%d")
DEFAULT_ABSENT = ("", "—", "-", "–", "--", "n/a", "na", "none", "not applicable")
DEFAULT_RANGE_SEPARATORS = (" - ", " – ", " — ", " to ", " through ", " thru ")


@dataclass(frozen=True)
class Formats:
    dates: tuple[str, ...] = DEFAULT_DATES
    absent: tuple[str, ...] = DEFAULT_ABSENT
    range_separators: tuple[str, ...] = DEFAULT_RANGE_SEPARATORS
    adjustments_negative: bool = False
    names_last_first: bool = False
    """The portal prints a patient as `Last, First`; answers carry `First Last`."""
    """The portal prints a reduction as a negative amount (`CO-45 ($45.00)`); X12 CAS amounts of a
    reduction are positive, so such amounts are negated."""

    @classmethod
    def from_mapping(cls, data: Any, where: str) -> Formats:
        """`formats: {dates: [...], absent: [...], range_separators: [...]}` from a wording map."""
        if data is None:
            return cls()
        switches = {"adjustments_negative", "names_last_first"}
        if not isinstance(data, dict) or set(data) - {"dates", "absent", "range_separators", *switches}:
            known = "dates, absent, range_separators (lists of text), adjustments_negative, names_last_first"
            raise ConfigError(f"{where}: formats takes {known}")
        values: dict[str, Any] = {}
        for key, items in data.items():
            if key in switches:
                if not isinstance(items, bool):
                    raise ConfigError(f"{where}: formats.{key} must be true or false")
                values[key] = items
                continue
            if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
                raise ConfigError(f"{where}: formats.{key} must be a list of text")
            values[key] = tuple(items)
        if "dates" in values:
            for pattern in values["dates"]:
                try:
                    datetime.now().strftime(pattern)
                except ValueError as error:
                    raise ConfigError(f"{where}: formats.dates: {pattern!r}: {error}") from None
        if "absent" in values:
            values["absent"] = tuple(dict.fromkeys([*values["absent"], ""]))
        return cls(**values)

    def is_absent(self, text: Any) -> bool:
        if text is None:
            return True
        cleaned = " ".join(str(text).split()).casefold()
        return cleaned in {mark.casefold() for mark in self.absent}

    def text(self, text: Any) -> str | None:
        return None if self.is_absent(text) else " ".join(str(text).split())

    def person(self, text: Any) -> str | None:
        """A person's name as answers carry it, `First Last`."""
        name = self.text(text)
        if name is None or not self.names_last_first or ", " not in name:
            return name
        last, first = name.split(", ", 1)
        return f"{first} {last}"

    def money(self, text: Any) -> Decimal | None:
        """`$1,234.56`, `-$45.00` and `($45.00)` (a negative amount, as accountants print it)."""
        if self.is_absent(text):
            return None
        cleaned = re.sub(r"[\s$,]|USD", "", str(text))
        negative = cleaned.startswith("(") and cleaned.endswith(")") or cleaned.startswith("-")
        cleaned = cleaned.strip("()").lstrip("-")
        try:
            amount = Decimal(cleaned).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise FlowError(f"cannot read {text!r} as an amount") from None
        return -amount if negative else amount

    def date(self, text: Any) -> date | None:
        if self.is_absent(text):
            return None
        value = " ".join(str(text).split())
        for pattern in (*self.dates, "%Y-%m-%d"):
            try:
                return datetime.strptime(value, pattern).date()
            except ValueError:
                continue
        raise FlowError(f"cannot read {text!r} as a date")

    def date_range(self, text: Any) -> tuple[date | None, date | None]:
        """`10/01/2026 to 10/03/2026`, or one date for a single day of service."""
        if self.is_absent(text):
            return None, None
        value = " ".join(str(text).split())
        for separator in self.range_separators:
            if separator in value:
                start, end = value.split(separator, 1)
                return self.date(start), self.date(end)
        single = self.date(value)
        return single, single

    def percent(self, text: Any) -> Decimal | None:
        """`20%` (or `"20"` in JSON) as the X12 ratio `0.20`."""
        if self.is_absent(text):
            return None
        cleaned = str(text).strip().rstrip("%").strip()
        try:
            return (Decimal(cleaned) / 100).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise FlowError(f"cannot read {text!r} as a percent") from None


US = Formats()


def us_date(value: date) -> str:
    """How US portals want dates typed: MM/DD/YYYY."""
    return value.strftime("%m/%d/%Y")
