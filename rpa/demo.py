"""`rpa demo`: the main job, end to end, on the sandbox portal, scored against its ground truth.

It starts (or finds) the sandbox, writes two sample worklists from the sandbox's own data (claims
of every status kind, found by claim number or by member and dates, two claims the payer never
received and two bad rows; members active, terminated, not yet covered and unknown), runs
each as a batch, and checks every answer field by field against the sandbox's ground truth.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
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

CLAIMS_PER_STATUS = 3
SERVICE_DATE = ANCHOR


@dataclass
class DemoPart:
    name: str
    worklist: Path
    summary: RunSummary
    score: Score
    results: list[Any]


def run_demo(settings: Settings, on_start=None, on_result=None) -> tuple[str, list[DemoPart]]:
    url = ensure_sandbox_url()
    admin = SandboxAdmin(url)
    try:
        claim_truth = admin.truth_claims()
        member_truth = admin.truth_eligibility(date=SERVICE_DATE)
    finally:
        admin.close()
    folder = private_dir(Path(settings.runs_dir) / "demo-worklists")
    parts = []
    for name, rows, truth in (
        ("claim status", claim_rows(claim_truth), claim_truth),
        ("eligibility", eligibility_rows(member_truth), member_truth),
    ):
        worklist = write_worklist(folder / f"{name.replace(' ', '-')}.csv", rows)
        summary = run_worklist(worklist, settings=settings, on_start=on_start, on_result=on_result)
        results = RunStore(summary.run_dir).results()
        parts.append(DemoPart(name, worklist, summary, score(results, index_truth(truth)), results))
    return url, parts


def claim_rows(truth: list[dict]) -> list[dict]:
    """Three claims of every status kind; every third found by member, birth date and service dates."""
    by_status: dict[str, list[dict]] = defaultdict(list)
    for record in truth:
        by_status[record["answer"]["status_text"]].append(record)
    rows = []
    for records in by_status.values():
        for index, record in enumerate(records[:CLAIMS_PER_STATUS]):
            query = record["query"]
            row = {
                "Payer": "sandbox",
                "Claim Number": "",
                "Member ID": "",
                "Patient DOB": "",
                "Service Date From": "",
                "Service Date To": "",
            }
            if index == 2:
                row.update(
                    {
                        "Member ID": query["member_id"],
                        "Patient DOB": query["patient_dob"],
                        "Service Date From": query["service_date_from"],
                        "Service Date To": query["service_date_to"],
                    }
                )
            else:
                row["Claim Number"] = query["claim_number"]
            row["Expected Amount"] = record["answer"]["billed_amount"]
            rows.append(row)
    rows.append({**rows[0], "Claim Number": "CLM99999901", "Member ID": "", "Patient DOB": ""})
    rows.append({**rows[0], "Claim Number": "CLM99999902", "Member ID": "", "Patient DOB": ""})
    rows.append(
        {
            **rows[0],
            "Claim Number": "",
            "Member ID": "SBX000000001",
            "Patient DOB": "13/31/1980",
            "Service Date From": "2026-10-01",
        }
    )
    rows.append({**rows[0], "Claim Number": "", "Member ID": "", "Patient DOB": "", "Service Date From": ""})
    return rows


def eligibility_rows(truth: list[dict]) -> list[dict]:
    """Members of every plan type, active and inactive on the date of service, and two unknown."""
    wanted: dict[tuple, dict] = {}
    for record in truth:
        answer = record["answer"]
        key = (answer["plan_type"], answer["coverage_active"])
        wanted.setdefault(key, record)
    rows = [
        {
            "Payer": "sandbox",
            "Member ID": record["query"]["member_id"],
            "First Name": record["query"]["patient_first_name"],
            "Last Name": record["query"]["patient_last_name"],
            "Patient DOB": record["query"]["patient_dob"],
            "Service Type": "30",
            "Service Date": SERVICE_DATE.isoformat(),
        }
        for record in wanted.values()
    ]
    unknown = {**rows[0], "Member ID": "SBX999999999", "First Name": "Pat", "Last Name": "Nobody"}
    return [*rows, unknown]
