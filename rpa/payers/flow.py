"""The base every payer flow extends: the per-portal steps, and nothing about runs or retries.

A flow module (`flows/<payer>.py`) declares one payer: its id, the tasks it supports, its
limits and its selector map, and implements `sign_in` plus a step per task. A step receives a
`PortalPage` (a tab driven through the selector map) or, in API mode, a `PortalApi` (the
portal's own JSON with the signed-in session) and returns an `Answered`. It raises only the
engine's errors (`rpa.core.errors`); business answers such as "claim not on file" are `Answered`
with outcome `not_found`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rpa.core.errors import FlowError
from rpa.core.models import Answer, Outcome, Task

if TYPE_CHECKING:
    from rpa.core.credentials import Credential
    from rpa.portal.api import PortalApi
    from rpa.portal.page import PortalPage
    from rpa.core.queries import Query
    from rpa.portal.selectors import SelectorMap
    from rpa.portal.totp import TotpSource


@dataclass(frozen=True)
class PayerLimits:
    """What the portal tolerates per credential; a deployment may lower or raise them."""

    max_sessions: int = 1
    min_interval_ms: int = 0
    max_requests_per_minute: int | None = None


@dataclass(frozen=True)
class Answered:
    outcome: Outcome
    answer: Answer

    def __post_init__(self) -> None:
        if self.outcome not in (Outcome.FOUND, Outcome.NOT_FOUND):
            raise ValueError("a flow answers found or not_found; everything else is an error")


class Flow:
    payer_id: ClassVar[str] = ""
    display_name: ClassVar[str] = ""
    tasks: ClassVar[frozenset[Task]] = frozenset()
    api_tasks: ClassVar[frozenset[Task]] = frozenset()
    """Tasks this flow can also answer from the portal's own JSON (API mode)."""
    limits: ClassVar[PayerLimits] = PayerLimits()
    selector_map: ClassVar[str] = ""
    """File name under `selectors/` (next to the flow's folder), or an absolute path."""
    default_url: ClassVar[str | None] = None
    filing_limit_days: ClassVar[int | None] = None
    required_elements: ClassVar[tuple[str, ...]] = ()
    """Selector-map names the flow uses; checked when the flow is loaded."""

    def __init__(self, base_url: str, selectors: SelectorMap):
        self.base_url = base_url.rstrip("/")
        self.selectors = selectors

    @classmethod
    def selector_map_path(cls) -> Path:
        path = Path(cls.selector_map)
        if path.is_absolute():
            return path
        return Path(inspect.getfile(cls)).resolve().parent / path

    @classmethod
    def start_default_portal(cls) -> str | None:
        """The URL to use when a deployment configures none (a flow for a local portal may start it)."""
        return cls.default_url

    @classmethod
    def default_credential(cls, base_url: str) -> Credential | None:
        """The credential to use when none is configured; real payers have none."""
        return None

    # -- steps ------------------------------------------------------------------------------

    async def sign_in(self, portal: PortalPage, credential: Credential, totp: TotpSource | None) -> None:
        raise NotImplementedError

    async def sign_out(self, portal: PortalPage) -> None:
        """Optional: end the portal session politely when a run no longer needs it."""

    async def look_up(self, portal: PortalPage, query: Query) -> Answered:
        step = getattr(self, query.task.value, None)
        if step is None or query.task not in self.tasks:
            raise FlowError(f"payer {self.payer_id} does not support {query.task.value}")
        return await step(portal, query)

    async def look_up_api(self, api: PortalApi, query: Query) -> Answered:
        step = getattr(self, f"{query.task.value}_api", None)
        if step is None or query.task not in self.api_tasks:
            raise FlowError(f"payer {self.payer_id} has no API mode for {query.task.value}")
        return await step(api, query)

    def supports_api(self, task: Task) -> bool:
        return task in self.api_tasks
