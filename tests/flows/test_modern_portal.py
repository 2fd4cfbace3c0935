"""The sandbox portal's modern side, read by the same flow: UI v3 (web components in open shadow
roots, an infinite feed, the detail in a drawer, meaning in ARIA attributes), sign-in on a
separate identity server with short-lived bearer tokens (page and API mode), and a rate limit
answered with 429 and Retry-After. Every answer is scored against the ground truth."""

from __future__ import annotations

import json
import threading
import time

from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist
from rpa.runs.scoring import index_truth, score
from rpa.runs.store import RunStore
from rpa.sandbox.data import ANCHOR
from tests.flows.test_claim_status import claim_rows, claim_sample
from tests.flows.test_eligibility import member_rows, member_sample


def run(sandbox, settings, rows, folder, truth, name="claims.csv"):
    summary = run_worklist(write_worklist(folder / name, rows), settings=settings)
    results = RunStore(summary.run_dir).results()
    return summary, results, score(results, index_truth(truth))


def own_state(engine, tmp_path, **update):
    """Settings with a state folder of the test's own: sessions of another sign-in kind stay out."""
    return engine.model_copy(update={"state_dir": tmp_path / "state", **update})


def test_ui_v3_feed_drawer_badges_and_meters_give_the_same_answers_in_page_mode(sandbox, engine, tmp_path):
    sandbox.configure(ui="v3")
    rows = claim_rows(claim_sample(sandbox.data, 3), by_member_every=3)
    members = member_rows(member_sample(sandbox.data, 8))

    claims_run = run(sandbox, own_state(engine, tmp_path, sessions=2, mode="page"), rows, tmp_path, sandbox.truth_claims())
    eligibility_run = run(
        sandbox,
        own_state(engine, tmp_path, sessions=2, mode="page"),
        members,
        tmp_path,
        sandbox.truth_eligibility(date=ANCHOR),
        "m.csv",
    )

    for summary, results, tally in (claims_run, eligibility_run):
        assert tally.correct == len(results) and not tally.wrong and summary.exit_code == 0, tally
        assert {result.mode for result in results} == {"page"}
    assert len(rows) >= 20 and sum("member_id" in result.query for result in claims_run[1]) >= 7


def test_token_sign_in_on_an_identity_server_with_expiring_tokens_in_page_and_api_mode(sandbox, engine, tmp_path):
    sandbox.configure(auth="token", token_ttl_s=6)
    truth = sandbox.truth_claims()
    rows = claim_rows(claim_sample(sandbox.data, 2), by_member_every=4)
    before = sandbox.stats()["tokens"]

    pages = run(sandbox, own_state(engine, tmp_path, sessions=2, mode="page"), rows, tmp_path, truth)
    sandbox.expire_tokens()  # every access token dies between the runs: API mode must get fresh ones
    api = run(sandbox, own_state(engine, tmp_path, sessions=2, mode="api"), rows, tmp_path, truth, "api.csv")

    for summary, _, tally in (pages, api):
        assert tally.correct == len(rows) and summary.exit_code == 0, tally
    assert {result.mode for result in api[1]} == {"api"} and api[0].stats["api_fallbacks"] == 0
    tokens = sandbox.stats()["tokens"]
    assert tokens["refreshed"] > before["refreshed"], "the page's own silent refresh kept the sessions alive"
    assert tokens["rejected"] > before["rejected"], "an expired token was answered 401 and renewed"
    for summary, _, _ in (pages, api):
        log = (summary.run_dir / "log.jsonl").read_text()
        assert "Bearer" not in log and "access" not in json.dumps(summary.stats)


def test_a_rate_limit_is_waited_out_never_failed_and_the_credential_keeps_to_it(sandbox, engine, tmp_path):
    sandbox.reset()  # earlier tests' requests leave the minute's window
    sandbox.configure(rate_limit=20)
    rows = [{"Payer": "sandbox", "Claim Number": claim.claim_number} for claim in sandbox.data.claims[:12]]

    summary, results, tally = run(
        sandbox, own_state(engine, tmp_path, sessions=2, mode="api"), rows, tmp_path, sandbox.truth_claims()
    )

    assert tally.correct == len(rows) and summary.exit_code == 0 and not summary.stopped
    assert summary.stats["rate_limited"]["sandbox"] >= 1 and not summary.stats["circuit_opened"]
    assert not any(reason.endswith("429") for reason in summary.stats["retries_by_reason"])
    user = sandbox.stats()["requests_by_user"][engine_user(sandbox)]
    assert user["peak_per_minute"] <= 20 and user["rate_limited"] <= 6, "a 429 slows the credential down"


def engine_user(sandbox) -> str:
    from tests.conftest import ENGINE_USER

    return sandbox.user(ENGINE_USER)["username"]


def test_a_sign_in_ended_mid_run_sends_the_app_to_the_identity_server_and_the_engine_signs_in_again(sandbox, engine, tmp_path):
    sandbox.configure(auth="token", token_ttl_s=4)
    truth = sandbox.truth_claims()
    rows = [{"Payer": "sandbox", "Claim Number": claim.claim_number} for claim in sandbox.data.claims[40:56]]
    runs = tmp_path / "runs"

    def revoke_after_the_first_answers() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if any(len(path.read_text().splitlines()) >= 3 for path in runs.glob("*/results.jsonl")):
                sandbox.revoke_tokens(engine_user(sandbox))  # refreshing now fails: the app goes back to sign-in
                return
            time.sleep(0.1)

    revoker = threading.Thread(target=revoke_after_the_first_answers)
    revoker.start()
    summary, _, tally = run(sandbox, own_state(engine, tmp_path, sessions=1, mode="page", runs_dir=runs), rows, tmp_path, truth)
    revoker.join()

    assert tally.correct == len(rows) and summary.exit_code == 0, tally
    assert summary.stats["session_renewals"] >= 1, "the identity server's sign-in form meant: session expired"
    assert not summary.stats["circuit_opened"] and not summary.stats["retries_by_reason"].get("item/timeout")
