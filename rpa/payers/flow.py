"""The base every portal's flow extends: the per-portal steps, and nothing about runs or retries.

A flow module (`rpa/flows/<portal>/flow.py`, or one in `$RPA_FLOWS_PATH` or `./flows`) declares
one **portal**: its id, the **payers** it serves (a payer's own site serves one; a multi-payer
portal serves many, all through one credential and one session pool), the tasks it supports, its
limits, its selector map (with its sign-in steps) and its wording map, and implements a step per
task. A step receives a `PortalPage` (a tab driven through the selector map) or, in API mode, a
`PortalApi` (the portal's own JSON with the signed-in session) and returns an `Answered`.

The base carries the weight a second portal would otherwise copy from the first: signing in
through the declared steps, paging through search results, choosing the one matching claim,
"not found" answers, and normalizing a portal record through the wording map. A step raises
only the engine's errors (`rpa.core.errors`); business answers are `Answered`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rpa.core.credentials import STANDARD_FIELDS
from rpa.core.errors import ConfigError, FlowError
from rpa.core.models import Answer, ClaimStatus, Eligibility, Outcome, Task
from rpa.core.settings import PortalLimits
from rpa.payers import normalize, search_results
from rpa.payers.matching import ClaimRow, choose_claim
from rpa.payers.signin import parse_sign_in, run_sign_in

if TYPE_CHECKING:
    from rpa.core.credentials import Credential
    from rpa.core.queries import ClaimStatusQuery, EligibilityQuery, Query
    from rpa.payers.wording import WordingMap
    from rpa.portal.api import PortalApi
    from rpa.portal.page import PortalPage
    from rpa.portal.selectors import SelectorMap
    from rpa.portal.totp import TotpSource


@dataclass(frozen=True)
class Payer:
    """An insurer a worklist row names, served by a portal."""

    id: str
    name: str = ""
    """How the portal lists it (a multi-payer portal's payer menu)."""
    filing_limit_days: int | None = None
    wording: str | None = None
    """A wording map of its own beside the flow, extending the portal's (its words for statuses)."""
    facts: dict[str, Any] = field(default_factory=dict)
    """What else the flow needs to know about the payer on this portal (e.g. how it keys providers)."""


@dataclass(frozen=True)
class Answered:
    outcome: Outcome
    answer: Answer

    def __post_init__(self) -> None:
        if self.outcome not in (Outcome.FOUND, Outcome.NOT_FOUND):
            raise ValueError("a flow answers found or not_found; everything else is an error")


class Flow:
    portal_id: ClassVar[str] = ""
    display_name: ClassVar[str] = ""
    payers: ClassVar[tuple[Payer, ...]] = ()
    """The payers this portal serves; none declared means one payer with the portal's id."""
    tasks: ClassVar[frozenset[Task]] = frozenset()
    api_tasks: ClassVar[frozenset[Task]] = frozenset()
    """Tasks this flow can also answer from the portal's own JSON (API mode)."""
    limits: ClassVar[PortalLimits] = PortalLimits()
    selector_map: ClassVar[str] = "selectors.yaml"
    """File name beside the flow module, or an absolute path."""
    wording_map: ClassVar[str] = "wording.yaml"
    test_cases: ClassVar[str] = "cases.yaml"
    """Sample queries with their expected answers, run by `rpa payers test`."""
    credential_fields: ClassVar[tuple[str, ...]] = STANDARD_FIELDS
    """The credential's secret fields this portal's sign-in uses."""
    default_url: ClassVar[str | None] = None
    required_elements: ClassVar[tuple[str, ...]] = ()
    """Selector-map names the flow uses (besides its sign-in steps); checked when it is loaded."""

    def __init__(self, base_url: str, selectors: SelectorMap, wordings: dict[str, WordingMap]):
        self.base_url = base_url.rstrip("/")
        self.selectors = selectors
        self.wordings = wordings
        self.sign_in_plan = parse_sign_in(selectors)

    # -- declaration ------------------------------------------------------------------------

    @classmethod
    def payer_list(cls) -> tuple[Payer, ...]:
        return cls.payers or (Payer(cls.portal_id, cls.display_name),)

    @classmethod
    def folder(cls) -> Path:
        return Path(inspect.getfile(cls)).resolve().parent

    @classmethod
    def file_beside(cls, name: str) -> Path:
        path = Path(name)
        return path if path.is_absolute() else cls.folder() / path

    @classmethod
    def selector_map_path(cls) -> Path:
        return cls.file_beside(cls.selector_map)

    @classmethod
    def query_problem(cls, payer: Payer, query: Query) -> tuple[str, str] | None:
        """(field, reason) when this portal cannot look the query up as given (a field it needs
        is missing): the row is rejected before anything runs. Default: every valid query runs."""
        return None

    @classmethod
    def start_default_portal(cls) -> str | None:
        """The URL to use when a deployment configures none (a flow for a local portal may start it)."""
        return cls.default_url

    @classmethod
    def default_credential(cls, base_url: str) -> Credential | None:
        """The credential to use when none is configured; real portals have none."""
        return None

    def payer(self, payer_id: str) -> Payer:
        for payer in self.payer_list():
            if payer.id == payer_id:
                return payer
        raise ConfigError(f"portal {self.portal_id} does not serve payer {payer_id!r}")

    def wording(self, payer_id: str) -> WordingMap:
        return self.wordings[payer_id]

    # -- steps ------------------------------------------------------------------------------

    async def sign_in(self, portal: PortalPage, credential: Credential, totp: TotpSource | None) -> None:
        """The selector map's declared sign-in steps; a flow overrides this only for the unusual."""
        if self.sign_in_plan is None:
            raise ConfigError(f"{self.selectors.path}: no sign_in section, and {type(self).__name__} has no sign_in step")
        await run_sign_in(self.sign_in_plan, portal, credential, totp)

    async def sign_out(self, portal: PortalPage) -> None:
        """Optional: end the portal session politely when a run no longer needs it."""

    async def look_up(self, portal: PortalPage, query: Query) -> Answered:
        step = getattr(self, query.task.value, None)
        if step is None or query.task not in self.tasks:
            raise FlowError(f"portal {self.portal_id} does not support {query.task.value}")
        return await step(portal, query)

    async def look_up_api(self, api: PortalApi, query: Query) -> Answered:
        step = getattr(self, f"{query.task.value}_api", None)
        if step is None or query.task not in self.api_tasks:
            raise FlowError(f"portal {self.portal_id} has no API mode for {query.task.value}")
        return await step(api, query)

    def supports_api(self, task: Task) -> bool:
        return task in self.api_tasks

    # -- the kit ----------------------------------------------------------------------------

    async def find_claim(
        self, portal: PortalPage, query: ClaimStatusQuery, *, results: str, next_page: str, previous_page: str | None = None
    ) -> ClaimRow | None:
        """The row of a paged results table that is this claim, None when nothing was listed (not
        on file); NeedsHuman when several match equally or none does (`rpa.payers.search_results`)."""
        wording = self.wording(query.payer)
        return await search_results.find_claim(
            portal, query, wording, results=results, next_page=next_page, previous_page=previous_page
        )

    async def find_claim_in_feed(
        self,
        portal: PortalPage,
        query: ClaimStatusQuery,
        *,
        items: str,
        feed: str,
        end: str | None = None,
        heading: str | None = None,
    ) -> ClaimRow | None:
        """`find_claim` for an infinite list of cards (`rpa.payers.search_results`)."""
        wording = self.wording(query.payer)
        return await search_results.find_claim_in_feed(portal, query, wording, items=items, feed=feed, end=end, heading=heading)

    def pick_claim(self, query: ClaimStatusQuery, records: list[dict[str, Any]]) -> ClaimRow | None:
        """`choose_claim` over search results already read as records (API mode, one page)."""
        wording = self.wording(query.payer)
        return choose_claim([ClaimRow.from_record(record, wording.formats) for record in records], query)

    def claim_answer(self, query: Query, record: dict[str, Any]) -> Answered:
        return Answered(Outcome.FOUND, normalize.claim_status(record, self.wording(query.payer)))

    def eligibility_answer(self, query: Query, record: dict[str, Any]) -> Answered:
        return Answered(Outcome.FOUND, normalize.eligibility(record, self.wording(query.payer)))

    def claim_not_found(self, query: ClaimStatusQuery, message: str | None = None) -> Answered:
        """The portal's "no claims found", in its words (default: the first the wording map knows),
        as X12 codes (`claim_not_found` table)."""
        wording = self.wording(query.payer)
        words = " ".join(message.split()) if message else next(iter(wording.words("claim_not_found")), "")
        codes = wording.lookup("claim_not_found", words)
        answer = ClaimStatus(
            claim_number=query.claim_number,
            member_id=query.member_id,
            service_date_from=query.service_date_from,
            service_date_to=query.service_date_to,
            status_category=codes["category"],
            status_code=codes["code"],
            status_text=words,
        )
        return Answered(Outcome.NOT_FOUND, answer)

    def member_not_found(self, query: EligibilityQuery, message: str) -> Answered:
        answer = Eligibility(
            member_id=query.member_id,
            coverage_active=False,
            coverage_status_code=None,
            coverage_status_text=" ".join(message.split()),
        )
        return Answered(Outcome.NOT_FOUND, answer)
