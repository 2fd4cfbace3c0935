"""Real run folders for the review commands, made once per test session by the engine.

`review_runs` runs the tool against the session's sandbox portal four times into one runs folder:
- `claims`: claims of every status kind (denials with six CARCs, pended, rejected, in process,
  paid with an `Expected Amount` above what was paid), three claims not on file (one of them a
  visit past the filing limit), one bad row (rejected) and a note column carrying formulas;
- `failures`: three claims read from pages while every page is an error page, two attempts each,
  traced always, so failed items come with screenshots and traces;
- `needs_human`: a sign-in that meets MFA with no TOTP secret stops the portal: the stop carries
  a screenshot of the code page, and every item stays pending for the resume after the fix;
- `eligibility`: a few members, so eligibility runs show up too.
The review commands only read these folders; a test that changes one works on a copy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from rpa.cli import app
from rpa.core.settings import RetrySettings, Settings
from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist
from rpa.runs.store import RunStore

REVIEW_USER = "clinic2"
MFA_USER = "clinic3"
AS_OF = date(2026, 11, 23)
"""Follow-up ages are counted to this day, so they do not drift with the calendar."""
FORMULA = '=HYPERLINK("http://attacker.invalid","click")'
DENIAL_CARCS = ("18", "29", "50", "96", "197", "204")
NOT_ON_FILE_SERVICE = date(2026, 5, 20)
NOT_ON_FILE_BILLED = "410.00"


@dataclass
class ReviewRuns:
    runs_dir: Path
    claims: RunStore
    failures: RunStore
    needs_human: RunStore
    eligibility: RunStore
    expected: dict[str, Decimal]
    """Claim number -> the Expected Amount the worklist carried."""


@pytest.fixture(scope="session")
def review_runs(sandbox, tmp_path_factory) -> Iterator[ReviewRuns]:
    root = tmp_path_factory.mktemp("review")
    runs_dir = root / "runs"
    settings = Settings(runs_dir=runs_dir, state_dir=root / "state", mode="api", sessions=2)
    data = sandbox.data
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("RPA_CONFIG", raising=False)
        _sign_in_as(patch, sandbox, REVIEW_USER)
        sandbox.configure()
        claim_rows, expected = _claim_rows(data)
        claims = run_worklist(write_worklist(root / "claims.csv", claim_rows), settings=settings)

        eligibility_rows = [
            {"Payer": "sandbox", "Member ID": m.member_id, "DOB": m.date_of_birth.isoformat()} for m in data.members[:6]
        ]
        members = write_worklist(root / "eligibility.csv", eligibility_rows)
        eligibility = run_worklist(members, task="eligibility", settings=settings)

        failing = settings.model_copy(
            update={
                "mode": "page",
                "trace": "always",
                "sessions": 1,
                "retry": RetrySettings(attempts=2, initial_s=0.05, max_s=0.1, jitter_s=0.0),
            }
        )
        failure_rows = [{"Payer": "sandbox", "Claim Number": c.claim_number} for c in data.claims[300:303]]
        sandbox.configure(error_rate=1.0)
        try:
            failures = run_worklist(write_worklist(root / "failures.csv", failure_rows), settings=failing)
        finally:
            sandbox.configure()

        _sign_in_as(patch, sandbox, MFA_USER, totp=False)
        no_mfa = settings.model_copy(update={"state_dir": root / "fresh-state", "mode": "page", "sessions": 1})
        mfa_rows = [{"Payer": "sandbox", "Claim Number": c.claim_number} for c in data.claims[310:312]]
        needs_human = run_worklist(write_worklist(root / "mfa.csv", mfa_rows), settings=no_mfa)
    yield ReviewRuns(
        runs_dir=runs_dir,
        claims=RunStore(claims.run_dir),
        failures=RunStore(failures.run_dir),
        needs_human=RunStore(needs_human.run_dir),
        eligibility=RunStore(eligibility.run_dir),
        expected=expected,
    )


@pytest.fixture(autouse=True)
def _plain_cli(tmp_path, monkeypatch):
    """CLI commands read `./rpa.yaml`, so run where there is none; wide tables, so rows stay whole."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RPA_CONFIG", raising=False)
    monkeypatch.setenv("COLUMNS", "240")


def rpa(*arguments: str) -> Result:
    """Run the `rpa` command in-process, as a scheduler or a person would type it."""
    return CliRunner().invoke(app, [str(argument) for argument in arguments])


def by_status(data) -> dict[str, list]:
    claims = defaultdict(list)
    for claim in data.claims:
        claims[claim.status.value].append(claim)
    return claims


def denial_carc(claim) -> str:
    return max(claim.adjustments, key=lambda a: a.amount).carc


def _claim_rows(data) -> tuple[list[dict], dict[str, Decimal]]:
    claims = by_status(data)
    denied = []
    for carc in DENIAL_CARCS:
        denied += [c for c in claims["Finalized - Denied"] if denial_carc(c) == carc][:2]
    picked = [
        *denied,
        *claims["Pended - Additional Information Requested"][:3],
        *claims["Rejected - Missing Information"][:2],
        *claims["Rejected - Invalid Information"][:2],
        *claims["In Process"][:3],
        *claims["Received"][:2],
        *claims["Finalized - Paid"][:3],
        *claims["Finalized - Partially Paid"][:3],
        *claims["Finalized - Adjusted"][:1],
        *claims["Finalized - No Payment"][:1],
    ]
    underpaid = [*claims["Finalized - Paid"][:2], *claims["Finalized - Partially Paid"][:2]]
    expected = {c.claim_number: (c.paid + Decimal("40.00") * (i + 1)) for i, c in enumerate(underpaid)}
    rows = [
        {
            "Payer": "sandbox",
            "Claim Number": c.claim_number,
            "Expected Amount": str(expected.get(c.claim_number, "")),
            "Note": "",
        }
        for c in picked
    ]
    rows[0]["Note"] = FORMULA
    rows += [{"Payer": "sandbox", "Claim Number": f"CLM9{n:07d}"} for n in (1, 2)]
    rows.append(_claim_not_on_file(data))
    rows.append({"Payer": "sandbox", "Note": "@SUM(A1)"})
    return rows, expected


def _claim_not_on_file(data) -> dict:
    """A member's visit the payer never received, past the sandbox flow's 180-day filing limit."""
    member = data.members[0]
    day = NOT_ON_FILE_SERVICE
    taken = {claim.service_from for claim in data.claims_of(member.member_id)}
    while day in taken:
        day -= timedelta(days=1)
    return {
        "Payer": "sandbox",
        "Member ID": member.member_id,
        "Patient DOB": member.date_of_birth.isoformat(),
        "Service Date From": day.isoformat(),
        "Billed Amount": NOT_ON_FILE_BILLED,
    }


def _sign_in_as(patch: pytest.MonkeyPatch, sandbox, username: str, *, totp: bool = True) -> None:
    user = sandbox.user(username)
    patch.setenv("RPA_SANDBOX_URL", sandbox.url)
    patch.setenv("RPA_SANDBOX_USERNAME", user["username"])
    patch.setenv("RPA_SANDBOX_PASSWORD", user["password"])
    if totp:
        patch.setenv("RPA_SANDBOX_TOTP_SECRET", user["totp_secret"])
    else:
        patch.delenv("RPA_SANDBOX_TOTP_SECRET", raising=False)
