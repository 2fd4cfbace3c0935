"""Two real round trips, made once per test session against the sandbox portal's JSON (API mode):

- `claim_round_trip`: a 276 of 110 sandbox claims (every status kind; found by the payer's claim
  control number, by the provider's claim number or by member + birth date + dates + billed, some
  with their first service line), two claims the payer never received and two bad requests, read by
  `rpa run`, answered by `rpa runs export RUN --format x12`;
- `eligibility_round_trip`: a 270 of 55 sandbox members (a few asking about office visits), two
  members the payer does not know and one bad request, the same way.

The billing system's side (`billing.py`) writes the requests as text; only the tool reads them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rpa.cli import app
from rpa.runs.store import RunStore
from rpa.sandbox.clock import today
from tests.interchange.billing import ClaimAsk, MemberAsk, claim_status_request, eligibility_request

ROUND_TRIP_USER = "clinic4"
BAD_NPI = "1234567890"
"""Ten digits, wrong check digit: every claim under this provider is a reject."""


@dataclass
class RoundTrip:
    request: Path
    response: Path
    store: RunStore
    traces: list[str]
    """Every request's trace number, in the order of the request interchange."""
    bad_traces: set[str]
    unknown_traces: set[str]
    run_output: dict


def rpa(*arguments: object):
    return CliRunner().invoke(app, [str(argument) for argument in arguments])


@pytest.fixture(scope="session")
def claim_round_trip(sandbox, tmp_path_factory) -> Iterator[RoundTrip]:
    root = tmp_path_factory.mktemp("x12-claims")
    claims = _pick_claims(sandbox.data)
    by_provider: dict[str, list[ClaimAsk]] = defaultdict(list)
    for index, claim in enumerate(claims):
        member = claim.member
        how = index % 3
        ask = ClaimAsk(
            trace=f"CS{index:05d}",
            member_id=member.member_id,
            last_name=member.last_name,
            first_name=member.first_name,
            dob=member.date_of_birth,
            service_from=claim.service_from,
            service_to=claim.service_to,
            billed=claim.billed,
            payer_claim_number=claim.payer_claim_id if how == 0 else claim.claim_number if how == 1 else None,
            patient_control_number=claim.claim_number,
            lines=[(line.procedure_code, line.billed, line.service_date) for line in claim.lines[:1]] if index % 4 == 0 else [],
        )
        by_provider[claim.provider.npi].append(ask)
    member = sandbox.data.members[0]
    taken = {c.service_from for c in sandbox.data.claims_of(member.member_id)}
    never = next(date(2026, 3, 2) - timedelta(days=n) for n in range(400) if date(2026, 3, 2) - timedelta(days=n) not in taken)
    unknown = [
        ClaimAsk(
            "NF00001",
            member.member_id,
            member.last_name,
            member.first_name,
            member.date_of_birth,
            never,
            never,
            Decimal("410.00"),
        ),
        ClaimAsk(
            "NF00002",
            "SBX000000001",
            "NOBODY",
            "NEMO",
            date(1980, 1, 1),
            never,
            never,
            Decimal("99.00"),
            payer_claim_number="CLM99999999",
        ),
    ]
    by_provider[claims[0].provider.npi].extend(unknown)
    by_provider[claims[0].provider.npi].append(
        ClaimAsk(
            "BAD00001", member.member_id, member.last_name, member.first_name, member.date_of_birth, never, never, Decimal("1")
        )
    )
    by_provider[BAD_NPI].append(ClaimAsk("BAD00002", member.member_id, "X", "Y", date(1990, 1, 1), never, never, Decimal("5")))
    text = claim_status_request(dict(by_provider))
    text = text.replace("TRN*1*BAD00001~\nAMT*T3*1~", "TRN*1*BAD00001~\nAMT*T3*1O.00~")
    yield _round_trip(sandbox, root, "claims.x12", text, _traces(text), {"BAD00001", "BAD00002"}, {"NF00001", "NF00002"})


@pytest.fixture(scope="session")
def eligibility_round_trip(sandbox, tmp_path_factory) -> Iterator[RoundTrip]:
    root = tmp_path_factory.mktemp("x12-eligibility")
    day = today()
    members = [
        MemberAsk(
            f"EL{index:05d}", m.member_id, m.last_name, m.first_name, m.date_of_birth, day, "98" if index % 5 == 0 else "30"
        )
        for index, m in enumerate(sandbox.data.members[10:65])
    ]
    members += [
        MemberAsk("NF00001", "SBX000000002", "NOBODY", "NEMO", date(1980, 1, 1), day),
        MemberAsk("NF00002", sandbox.data.members[3].member_id, "WRONG", "BIRTH", date(1901, 1, 1), day),
        MemberAsk("BAD00001", sandbox.data.members[4].member_id, "FUTURE", "BORN", date(2099, 1, 1), day),
    ]
    npi = sandbox.data.claims[0].provider.npi
    text = eligibility_request(members, npi=npi)
    yield _round_trip(sandbox, root, "members.edi", text, _traces(text), {"BAD00001"}, {"NF00001", "NF00002"})


def _round_trip(sandbox, root: Path, name: str, text: str, traces, bad, unknown) -> RoundTrip:
    request = root / name
    request.write_text(text)
    user = sandbox.user(ROUND_TRIP_USER)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("RPA_CONFIG", raising=False)
        for key, value in {
            "RPA_SANDBOX_URL": sandbox.url,
            "RPA_SANDBOX_USERNAME": user["username"],
            "RPA_SANDBOX_PASSWORD": user["password"],
            "RPA_SANDBOX_TOTP_SECRET": user["totp_secret"],
            "RPA_STATE_DIR": str(root / "state"),
        }.items():
            patch.setenv(key, value)
        sandbox.configure()
        ran = rpa("run", request, "--mode", "api", "--sessions", "4", "--json")
        assert ran.exit_code == 1, ran.output  # the bad requests are rejects
        summary = json.loads(ran.output[ran.output.index("{") :])
        exported = rpa("runs", "export", summary["run_id"], "--format", "x12")
        assert exported.exit_code == 0, exported.output
    return RoundTrip(request, root / exported.output.strip(), RunStore(root / summary["run_dir"]), traces, bad, unknown, summary)


def _traces(text: str) -> list[str]:
    """The request's trace numbers (TRN*1), in the order the billing system wrote them."""
    return re.findall(r"TRN\*1\*([^*~]+)", text)


def _pick_claims(data) -> list:
    """110 claims, every status kind, spread over the portal's data."""
    by_status = defaultdict(list)
    for claim in data.claims:
        by_status[claim.status.value].append(claim)
    picked = []
    while len(picked) < 110:
        for claims in by_status.values():
            if claims and len(picked) < 110:
                picked.append(claims.pop(len(claims) // 2))
    return picked
