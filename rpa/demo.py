"""`rpa demo`: the main job, end to end, on both sandbox portals, scored against their ground truth.

For each portal (the payer's own site, then the multi-payer clearinghouse) it starts (or finds)
the portal, writes two sample worklists from the portal's own data (claims of every payer and
status kind, found by claim number or by member and dates, claims the payer never received, a
corrected claim only a person can tell from its original, bad rows; members of every plan,
active and not, and one unknown), runs each as a batch, and checks every answer field by field
against the portal's ground truth.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rpa.core.files import private_dir
from rpa.core.settings import Settings
from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist
from rpa.engine.run import RunSummary
from rpa.runs.scoring import Score, index_truth, score
from rpa.runs.store import RunStore
from rpa.sandbox.client import SandboxAdmin
from rpa.sandbox.data import ANCHOR
from rpa.sandbox.embedded import ensure_sandbox_url

SERVICE_DATE = ANCHOR
PORTALS = {"sandbox": 3, "clearinghouse": 1}
"""The portals the demo runs, with how many claims of each payer and status kind it looks up."""
CLAIM_COLUMNS = ("claim_number", "member_id", "patient_dob", "service_date_from", "service_date_to")
PROVIDER_COLUMNS = ("provider_npi", "provider_tax_id")


@dataclass
class DemoPart:
    name: str
    worklist: Path
    summary: RunSummary
    score: Score
    results: list[Any]


@dataclass
class DemoPortal:
    portal: str
    url: str
    parts: list[DemoPart] = field(default_factory=list)


def run_demo(settings: Settings, on_start=None, on_result=None) -> list[DemoPortal]:
    portals = []
    for portal, per_kind in PORTALS.items():
        demo = DemoPortal(portal, ensure_sandbox_url(portal))
        admin = SandboxAdmin(demo.url)
        try:
            claim_truth = admin.truth_claims()
            member_truth = admin.truth_eligibility(date=SERVICE_DATE)
        finally:
            admin.close()
        folder = private_dir(Path(settings.runs_dir) / "demo-worklists")
        for name, rows, truth in (
            ("claim status", claim_rows(claim_truth, per_kind), claim_truth),
            ("eligibility", eligibility_rows(member_truth), member_truth),
        ):
            worklist = write_worklist(folder / f"{portal}-{name.replace(' ', '-')}.csv", rows)
            summary = run_worklist(worklist, settings=settings, on_start=on_start, on_result=on_result)
            results = RunStore(summary.run_dir).results()
            demo.parts.append(DemoPart(name, worklist, summary, score(results, index_truth(truth)), results))
        portals.append(demo)
    return portals


def claim_rows(truth: list[dict], per_kind: int) -> list[dict]:
    """`per_kind` claims of every payer and status kind (every third by member, birth date and
    service dates), two claims never received, a corrected claim whose original matches it in
    every searched field (when the portal has one), and two bad rows."""
    by_kind: dict[tuple, list[dict]] = defaultdict(list)
    for record in truth:
        by_kind[(record["query"]["payer"], record["answer"]["status_text"])].append(record)
    rows = []
    for records in by_kind.values():
        for index, record in enumerate(records[:per_kind]):
            rows.append(_claim_row(record, by_member=index % 3 == 2 or (per_kind == 1 and len(rows) % 3 == 2)))
    rows += [{**rows[0], **_blank(CLAIM_COLUMNS), "claim_number": f"CLM9999990{n}"} for n in (1, 2)]
    twin = next((record for record in truth if record.get("member_search", {}).get("outcome") == "needs_human"), None)
    if twin is not None:
        rows.append({**_claim_row(twin, by_member=True), "billed_amount": twin["query"]["billed_amount"]})
    bad_date = {"member_id": "SBX000000001", "patient_dob": "13/31/1980", "service_date_from": "2026-10-01"}
    rows.append({**rows[0], **_blank(CLAIM_COLUMNS), **bad_date})
    rows.append({**rows[0], **_blank(CLAIM_COLUMNS)})
    return rows


def eligibility_rows(truth: list[dict]) -> list[dict]:
    """Members of every payer and plan type, active and inactive on the date of service, and one unknown."""
    wanted: dict[tuple, dict] = {}
    for record in truth:
        answer = record["answer"]
        wanted.setdefault((record["query"]["payer"], answer["plan_type"], answer["coverage_active"]), record)
    rows = []
    for record in wanted.values():
        query = record["query"]
        row = {
            "Payer": query["payer"],
            "Member ID": query["member_id"],
            "First Name": query["patient_first_name"],
            "Last Name": query["patient_last_name"],
            "Patient DOB": query["patient_dob"],
            "Service Type": "30",
            "Service Date": SERVICE_DATE.isoformat(),
        }
        if query.get("provider_npi"):
            row["Provider NPI"] = query["provider_npi"]
        rows.append(row)
    unknown = {**rows[0], "Member ID": rows[0]["Member ID"][:3] + "999999999", "First Name": "Pat", "Last Name": "Nobody"}
    return [*rows, unknown]


def _claim_row(record: dict, *, by_member: bool) -> dict:
    query = record["query"]
    row = {"payer": query["payer"], **_blank(CLAIM_COLUMNS)}
    row.update({column: query.get(column) or "" for column in PROVIDER_COLUMNS})
    if by_member:
        row.update({column: query[column] for column in CLAIM_COLUMNS[1:]})
    else:
        row["claim_number"] = query["claim_number"]
    row["expected_amount"] = record["answer"]["billed_amount"]
    return row


def _blank(columns: tuple[str, ...]) -> dict[str, str]:
    return dict.fromkeys(columns, "")
