"""A request interchange as read: its envelope, its HL tree and every request in it.

A response mirrors this shape, so the reader keeps what an answer must echo (each level's NM1,
the trace numbers, the references) beside what becomes a work item. Positions count segments
from the ISA (1), the way an error or a reject names them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rpa.core.models import Task
from rpa.interchange.envelope import Envelope, Separators

CLAIM_STATUS_GUIDE = "005010X212"
ELIGIBILITY_GUIDE = "005010X279A1"
GUIDES = {
    Task.CLAIM_STATUS: ("276", "HR", CLAIM_STATUS_GUIDE),
    Task.ELIGIBILITY: ("270", "HS", ELIGIBILITY_GUIDE),
}
"""A task's request transaction set, its GS01 functional code and its implementation guide."""
RESPONSES = {Task.CLAIM_STATUS: ("277", "HN"), Task.ELIGIBILITY: ("271", "HB")}


@dataclass(frozen=True)
class Seg:
    """One segment: its id, its elements (`elements[0]` is the id) and where it stood."""

    id: str
    elements: tuple[str, ...]
    position: int

    def get(self, index: int) -> str:
        """Element `index` (1-based, as X12 numbers them), "" when absent."""
        return self.elements[index].strip() if index < len(self.elements) else ""

    def name(self) -> str:
        qualifier = self.get(1) if self.id in {"NM1", "REF", "DTP", "AMT", "TRN", "HL"} else ""
        return f"{self.id}*{qualifier}" if qualifier else self.id


@dataclass
class ServiceLineRequest:
    """A 2210D/2210E service line of a 276: what the billing system billed, echoed in a 277."""

    procedure: tuple[str, ...]
    """SVC01 components: qualifier, code, modifiers."""
    charge: Decimal | None
    revenue_code: str
    units: Decimal | None
    control_number: str
    """REF*FJ, the line item control number."""
    service_date_from: date | None
    service_date_to: date | None


@dataclass
class Request:
    """One question: a 2200D/2200E claim (276) or one service type of a 2000C/2000D member (270)."""

    position: int
    """The segment that makes it a request (TRN of a 276 claim, EQ of a 270 member): its row number."""
    level: Level
    trace: str = ""
    """TRN02: a 276 claim's own, a 270 member's first (the 271 echoes every TRN of the member)."""
    service_type: str = ""
    references: dict[str, str] = field(default_factory=dict)
    """REF qualifier -> value (1K payer claim control number, EJ patient control number, BLT, ...)."""
    billed_amount: Decimal | None = None
    service_date_from: date | None = None
    service_date_to: date | None = None
    lines: list[ServiceLineRequest] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(element, reason) for a value that cannot be read: the request is rejected with it."""


@dataclass
class Level:
    """One HL: 20 information source (payer), 21 receiver, 19 provider (276), 22 subscriber, 23 dependent."""

    code: str
    hl_id: str
    position: int
    parent: Level | None = None
    name: Seg | None = None
    """The level's NM1 (2100A-E), echoed in the response."""
    demographics: Seg | None = None
    """DMG of a subscriber or dependent."""
    dates: list[Seg] = field(default_factory=list)
    """DTP of a 270 subscriber or dependent (DTP*291: the date of service asked about)."""
    traces: list[Seg] = field(default_factory=list)
    """TRN of a 270 subscriber or dependent."""
    children: list[Level] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def ancestor(self, code: str) -> Level | None:
        level: Level | None = self
        while level is not None and level.code != code:
            level = level.parent
        return level

    def walk(self) -> Iterator[Level]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Transaction:
    set_id: str
    control_number: str
    reference: str
    """BHT03, echoed in the response's BHT03."""
    position: int
    sources: list[Level] = field(default_factory=list)
    """The 2000A levels, in order; every other level hangs below one."""


@dataclass
class Group:
    functional_code: str
    application_sender: str
    application_receiver: str
    control_number: str
    version: str
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class Interchange:
    task: Task
    envelope: Envelope
    separators: Separators
    groups: list[Group] = field(default_factory=list)

    def levels(self) -> Iterator[Level]:
        for group in self.groups:
            for transaction in group.transactions:
                for source in transaction.sources:
                    yield from source.walk()

    def requests(self) -> Iterator[Request]:
        for level in self.levels():
            yield from level.requests
