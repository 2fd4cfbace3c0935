"""Reading a claim search's results, however the portal lists them, to the one row that is the
claim: a table paged with "Next" (`find_claim`) or an infinite feed of cards (`find_claim_in_feed`).

Both read the listing batch by batch into `ClaimRow`s through the wording map and stop as soon as
a claim number is found; a member search reads everything, since a corrected claim and its
original may sit in different batches. `choose_claim` then picks the row (or raises NeedsHuman).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from rpa.payers.matching import ClaimRow, choose_claim, matching_rows

if TYPE_CHECKING:
    from rpa.core.queries import ClaimStatusQuery
    from rpa.payers.wording import WordingMap
    from rpa.portal.page import PortalPage

MAX_RESULT_PAGES = 50
"""A search listing more pages than this is read no further (a portal that pages forever)."""


async def find_claim(
    portal: PortalPage,
    query: ClaimStatusQuery,
    wording: WordingMap,
    *,
    results: str,
    next_page: str,
    previous_page: str | None = None,
) -> ClaimRow | None:
    """Page through the results table `results` (`next_page` to go on); with `previous_page` the
    table is paged back to the chosen row, so the flow can click it."""

    async def this_page(_: int) -> list[dict[str, Any]]:
        return await portal.read_table(results)

    seen, page_of, last = await _collect(query, wording, this_page, lambda: portal.next_page(next_page, results))
    chosen = choose_claim(seen, query)
    if chosen is not None and previous_page is not None:
        for _ in range(last - page_of[next(index for index, row in enumerate(seen) if row is chosen)]):
            await portal.next_page(previous_page, results)
    return chosen


async def find_claim_in_feed(
    portal: PortalPage,
    query: ClaimStatusQuery,
    wording: WordingMap,
    *,
    items: str,
    feed: str,
    end: str | None = None,
    heading: str | None = None,
) -> ClaimRow | None:
    """Read the cards (`items`) of an infinite list, scrolling `feed` for more; `heading` names the
    field a card's heading holds (e.g. its claim number)."""

    async def new_cards(already: int) -> list[dict[str, Any]]:
        cards = (await portal.read_items(items))[already:]
        return [{heading: card.heading, **card.fields} if heading else card.fields for card in cards]

    seen, _, _ = await _collect(query, wording, new_cards, lambda: portal.load_more(feed, end=end))
    return choose_claim(seen, query)


async def _collect(
    query: ClaimStatusQuery,
    wording: WordingMap,
    read_new: Callable[[int], Awaitable[list[dict[str, Any]]]],
    more: Callable[[], Awaitable[bool]],
) -> tuple[list[ClaimRow], list[int], int]:
    """Every row listed (until a claim number is found), the batch each came in, and the last batch read."""
    seen: list[ClaimRow] = []
    batch_of: list[int] = []
    batch = 0
    while True:
        for record in await read_new(len(seen)):
            batch_of.append(batch)
            seen.append(ClaimRow.from_record(wording.record("result", record), wording.formats, raw=record))
        if query.claim_number and matching_rows(seen, query):
            break  # a claim number is found once; member searches read everything
        if batch + 1 >= MAX_RESULT_PAGES or not await more():
            break
        batch += 1
    return seen, batch_of, batch
