"""`report.html`: the supervisor's view of one run, as one file that opens anywhere.

Everything the page needs is inside it (CSS, script, charts as SVG, screenshots as data: URIs,
the items as JSON), and its Content-Security-Policy forbids fetching anything, so it can be mailed
or opened offline and never calls out with PHI. Traces are too large to inline: each failure links
to its `trace.zip` relative to the run folder and gives the `playwright show-trace` command.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from rpa.core.files import write_private_text
from rpa.core.models import Task
from rpa.core.results import Result
from rpa.core.settings import Settings
from rpa.runs.followup import IN_PROCESS_DAYS, FollowUpList, build_followup
from rpa.runs.review import UNANSWERED, run_details
from rpa.runs.store import RunStore

REPORT = "report.html"
OUTCOMES = ("found", "not_found", "needs_human", "failed", "rejected", "pending")
INLINE_BUDGET_BYTES = 40_000_000
"""Screenshots past this total are linked instead of inlined, so a run of many failures still opens."""
BIN_SECONDS = (1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 7200, 21600, 86400)
MAX_BINS = 60


def write_report(
    store: RunStore, settings: Settings, *, in_process_days: int = IN_PROCESS_DAYS, as_of: date | None = None
) -> Path:
    """Render the run's report into its folder (owner-only, like the rest of it); returns the path."""
    path = store.path / REPORT
    write_private_text(path, render_report(store, settings, in_process_days=in_process_days, as_of=as_of))
    return path


def render_report(
    store: RunStore, settings: Settings, *, in_process_days: int = IN_PROCESS_DAYS, as_of: date | None = None
) -> str:
    details = run_details(store, slowest=10)
    results = store.results()
    counts = {**Counter(result.outcome.value for result in results)}
    counts["rejected"] = len(details["rejects"])
    counts["pending"] = len(store.pending())
    follow_up = (
        build_followup(store, settings, in_process_days=in_process_days, as_of=as_of)
        if details["manifest"]["task"] == Task.CLAIM_STATUS.value
        else None
    )
    environment = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["j2"]))
    environment.filters["money"] = _money
    template = environment.get_template("report.html.j2")
    return template.render(
        details=details,
        run=details["overview"],
        manifest=details["manifest"],
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        cards=_cards(details, counts, results, follow_up),
        outcome_bars=outcome_bars(counts),
        throughput=throughput(results),
        failures=failure_cards(store, results),
        stops=stop_cards(store, details["stopped"]),
        follow_up=follow_up,
        payers=sorted({result.payer for result in results}),
        items_json=_script_json([_item_row(result) for result in results]),
    )


def outcome_bars(counts: dict[str, int]) -> list[dict[str, Any]]:
    """One bar per outcome, as a share of everything the worklist held."""
    total = sum(counts.get(outcome, 0) for outcome in OUTCOMES) or 1
    return [
        {"outcome": outcome, "count": counts.get(outcome, 0), "share": counts.get(outcome, 0) / total}
        for outcome in OUTCOMES
        if counts.get(outcome, 0)
    ]


def throughput(results: list[Result]) -> dict[str, Any] | None:
    """Items finished per time bin, answered and not, from each result's `finished_at`."""
    if not results:
        return None
    times = sorted(result.finished_at for result in results)
    first, last = times[0], times[-1]
    span = (last - first).total_seconds()
    width = next((seconds for seconds in BIN_SECONDS if span / seconds < MAX_BINS), BIN_SECONDS[-1])
    start = first.timestamp() // width * width
    bins = int((last.timestamp() - start) // width) + 1
    answered = [0] * bins
    unanswered = [0] * bins
    for result in results:
        index = int((result.finished_at.timestamp() - start) // width)
        (unanswered if result.outcome in UNANSWERED else answered)[index] += 1
    peak = max(a + u for a, u in zip(answered, unanswered))
    return {
        "bins": [{"answered": a, "unanswered": u, "total": a + u} for a, u in zip(answered, unanswered)],
        "bin_seconds": width,
        "peak": peak,
        "start": datetime.fromtimestamp(start, UTC).strftime("%H:%M:%S"),
        "end": datetime.fromtimestamp(start + bins * width, UTC).strftime("%H:%M:%S"),
    }


def stop_cards(store: RunStore, stops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each stop with what the portal showed when it stopped (a CAPTCHA's screenshot inlined)."""
    cards = []
    for stop in stops:
        screenshot = next((path for path in stop["evidence"] if path.endswith(".png") and _inside(store.path, path)), None)
        png = (store.path / screenshot).read_bytes() if screenshot and (store.path / screenshot).is_file() else b""
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii") if 0 < len(png) <= INLINE_BUDGET_BYTES else None
        cards.append({**stop, "screenshot": screenshot, "screenshot_uri": uri})
    return cards


def failure_cards(store: RunStore, results: list[Result]) -> list[dict[str, Any]]:
    """Every failed or needs-human item with its evidence: screenshot inlined, trace linked."""
    cards = []
    budget = INLINE_BUDGET_BYTES
    for result in sorted((r for r in results if r.outcome in UNANSWERED), key=lambda r: r.row_number or 0):
        evidence = [path for path in result.evidence if _inside(store.path, path)]
        screenshot = next((path for path in evidence if path.endswith(".png")), None)
        data_uri = None
        if screenshot and (store.path / screenshot).is_file():
            png = (store.path / screenshot).read_bytes()
            if len(png) <= budget:
                budget -= len(png)
                data_uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        trace = next((path for path in evidence if path.endswith("trace.zip")), None)
        cards.append(
            {
                "item_id": result.item_id,
                "row_number": result.row_number,
                "payer": result.payer,
                "outcome": result.outcome.value,
                "reference": _reference(result),
                "error": result.error,
                "attempts": result.attempts,
                "duration_ms": result.duration_ms,
                "finished_at": _finished(result),
                "screenshot": screenshot,
                "screenshot_uri": data_uri,
                "trace": trace,
                "trace_command": f"playwright show-trace {store.path.resolve() / trace}" if trace else None,
                "evidence": evidence,
                "search": " ".join(filter(None, [result.item_id, _reference(result), str(result.error or "")])).lower(),
            }
        )
    return cards


# -- helpers ----------------------------------------------------------------------------------


def _cards(
    details: dict[str, Any], counts: dict[str, int], results: list[Result], follow_up: FollowUpList | None
) -> list[dict[str, str]]:
    run = details["overview"]
    duration = run["duration_s"]
    cards = [
        {"label": "Items", "value": str(run["items"]), "tone": ""},
        *({"label": o.replace("_", " ").capitalize(), "value": str(counts.get(o, 0)), "tone": o} for o in OUTCOMES),
        {"label": "Retries", "value": str(details["retries"]["total"]), "tone": ""},
        {"label": "Duration", "value": f"{duration:.0f} s" if duration is not None else "—", "tone": ""},
    ]
    if duration:
        cards.append({"label": "Items per minute", "value": f"{len(results) / duration * 60:.0f}", "tone": ""})
    if follow_up is not None:
        cards.append({"label": "Follow-up at stake", "value": _money(follow_up.at_stake), "tone": "followup"})
    return cards


def _item_row(result: Result) -> dict[str, Any]:
    answer = result.answer or {}
    status = answer.get("status_text") or answer.get("coverage_status_text") or ""
    if result.error:
        status = f"{result.error.kind}: {result.error.message}"
    return {
        "id": result.item_id,
        "row": result.row_number,
        "payer": result.payer,
        "outcome": result.outcome.value,
        "ref": _reference(result),
        "patient": answer.get("patient_name") or "",
        "status": status,
        "attempts": result.attempts,
        "ms": result.duration_ms,
        "at": _finished(result),
        "evidence": result.outcome in UNANSWERED,
    }


def _reference(result: Result) -> str:
    answer = result.answer or {}
    query = result.query
    return answer.get("claim_number") or query.get("claim_number") or answer.get("member_id") or query.get("member_id") or ""


def _finished(result: Result) -> str:
    return result.model_dump(mode="json")["finished_at"]


def _inside(run_dir: Path, relative: str) -> bool:
    """Evidence paths come from results.jsonl; only files inside the run folder are read."""
    return (run_dir / relative).resolve().is_relative_to(run_dir.resolve())


def _script_json(data: Any) -> Markup:
    """JSON safe inside a <script> element: no `</script>` or `<!--` can close it early."""
    text = json.dumps(data, default=str).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"${Decimal(value):,.2f}"
