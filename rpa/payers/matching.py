"""Which listed claim is the one a work item asks about.

The rule, the same for every portal and for pages and JSON alike:

- with a claim number: the row whose claim number (or the payer's claim id) is that number;
- without one: the rows of that member with exactly those service dates, and the billed amount
  when the worklist gives it (a corrected claim often shares everything but its charges);
- several rows equally good need a person, who is told which claims they are;
- a member search that lists claims, none of them these, is not "claim not on file": the
  portal has claims for this member, so a person is told what it showed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rpa.core.errors import NeedsHuman

if TYPE_CHECKING:
    from rpa.core.queries import ClaimStatusQuery
    from rpa.portal.formats import Formats

SHOWN_IN_MESSAGE = 8


@dataclass(frozen=True)
class ClaimRow:
    """One claim as a search lists it; `raw` keeps the row (its cells and links) for the flow."""

    claim_number: str | None
    payer_claim_id: str | None = None
    member_id: str | None = None
    service_date_from: date | None = None
    service_date_to: date | None = None
    billed_amount: Decimal | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_record(cls, record: dict[str, Any], formats: Formats, raw: dict[str, Any] | None = None) -> ClaimRow:
        """A search-result record (fields as in `rpa.payers.normalize`) read through `formats`."""

        def text(name: str) -> str | None:
            value = record.get(name)
            return formats.text(getattr(value, "text", value))

        if text("service_dates") is not None:
            start, end = formats.date_range(text("service_dates"))
        else:
            start = formats.date(text("service_date_from"))
            end = formats.date(text("service_date_to")) or start
        return cls(
            claim_number=text("claim_number"),
            payer_claim_id=text("payer_claim_id"),
            member_id=text("member_id"),
            service_date_from=start,
            service_date_to=end,
            billed_amount=formats.money(text("billed_amount")),
            raw=raw if raw is not None else record,
        )

    def describe(self) -> str:
        dates = f"{self.service_date_from} to {self.service_date_to}" if self.service_date_from else "no dates"
        billed = f", billed {self.billed_amount}" if self.billed_amount is not None else ""
        return f"{self.claim_number or self.payer_claim_id} ({dates}{billed})"


def matching_rows(rows: list[ClaimRow], query: ClaimStatusQuery) -> list[ClaimRow]:
    if query.claim_number:
        wanted = query.claim_number.upper()
        return [row for row in rows if wanted in ((row.claim_number or "").upper(), (row.payer_claim_id or "").upper())]
    return [
        row
        for row in rows
        if (row.member_id is None or row.member_id.upper() == (query.member_id or "").upper())
        and row.service_date_from == query.service_date_from
        and row.service_date_to == query.service_date_to
        and (query.billed_amount is None or row.billed_amount is None or row.billed_amount == query.billed_amount)
    ]


def choose_claim(rows: list[ClaimRow], query: ClaimStatusQuery) -> ClaimRow | None:
    """The one row that is this claim; None when nothing was listed (not on file).

    Raises NeedsHuman when several rows match equally well, or when a member search listed
    claims but none of them matches (that is not "not on file").
    """
    candidates = matching_rows(rows, query)
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        numbers = ", ".join(row.claim_number or row.payer_claim_id or "?" for row in candidates)
        raise NeedsHuman(
            f"{len(candidates)} claims match equally well ({numbers}); the worklist row needs the claim number "
            "(or the billed amount) to tell them apart"
        )
    if not rows or query.claim_number:
        return None
    shown = "; ".join(row.describe() for row in rows[:SHOWN_IN_MESSAGE])
    more = f"; and {len(rows) - SHOWN_IN_MESSAGE} more" if len(rows) > SHOWN_IN_MESSAGE else ""
    billed = f", billed {query.billed_amount}" if query.billed_amount is not None else ""
    raise NeedsHuman(
        f"the portal lists {len(rows)} claim(s) for this member but none for service dates "
        f"{query.service_date_from} to {query.service_date_to}{billed}: {shown}{more}"
    )
