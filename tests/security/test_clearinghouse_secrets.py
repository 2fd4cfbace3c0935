"""The clearinghouse's credential has a security answer too: like the password, the TOTP secret,
the codes and the session cookies, it is in no file a run or the state folder keeps."""

from __future__ import annotations

import json
import re
import time

from rpa.core.settings import RetrySettings, load_settings
from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist
from rpa.engine.sessions import SessionStateStore
from rpa.runs.store import RunStore

from .test_secrets_stay_out_of_run_folders import file_contents, totp_codes

NO_RETRY = RetrySettings(attempts=1, initial_s=0, max_s=0, jitter_s=0)


def test_no_security_answer_password_code_or_cookie_in_any_run_or_state_file(clearinghouse_portal, tmp_path, monkeypatch):
    user = clearinghouse_portal.user("biller2")
    values = {"URL": clearinghouse_portal.url, "USERNAME": user["username"], "PASSWORD": user["password"]}
    values.update(TOTP_SECRET=user["totp_secret"], SECURITY_ANSWER=user["security_answer"])
    for name, value in values.items():
        monkeypatch.setenv(f"RPA_CLEARINGHOUSE_{name}", value)
    state = tmp_path / "state"
    monkeypatch.setenv("RPA_STATE_DIR", str(state))
    monkeypatch.chdir(tmp_path)
    settings = load_settings(runs_dir=tmp_path / "runs", state_dir=state, mode="page", sessions=1, trace="always")
    settings = settings.model_copy(update={"retry": NO_RETRY})
    saved: list[dict] = []
    original_save = SessionStateStore.save

    def recording_save(self, portal, key, slot, state_data):
        saved.append(json.loads(json.dumps(state_data)))
        original_save(self, portal, key, slot, state_data)

    monkeypatch.setattr(SessionStateStore, "save", recording_save)
    truth = clearinghouse_portal.truth_claims()
    rows = [
        {name: r["query"][name] for name in ("payer", "claim_number", "provider_npi", "provider_tax_id")}
        for r in truth[1400:1406]
    ]
    started = time.time()
    good = run_worklist(write_worklist(tmp_path / "good.csv", rows[:3]), settings=settings)
    clearinghouse_portal.expire_sessions(user["username"])
    clearinghouse_portal.configure(error_rate=1.0)
    failing = run_worklist(write_worklist(tmp_path / "bad.csv", rows[3:]), settings=settings)
    ended = time.time()

    sign_in = clearinghouse_portal.stats()["sign_in"][user["username"]]
    assert sign_in["answer_accepted"] >= 1 and sign_in["terms_accepted"] == 1, "the sign-in never met the question"
    assert good.counts["found"] == 3 and failing.counts["failed"] == 3
    evidence = [path for result in RunStore(failing.run_dir).results() for path in result.evidence]
    assert any(path.endswith("trace.zip") for path in evidence) and any(path.endswith("page.html") for path in evidence)
    cookies = {cookie["value"] for data in saved for cookie in data["cookies"] if len(cookie["value"]) >= 8}
    secrets = {user["password"], user["totp_secret"], user["security_answer"], *cookies}
    codes = totp_codes(user["totp_secret"], started, ended)
    files = {**file_contents(good.run_dir), **file_contents(failing.run_dir)}
    state_files = {name: data for name, data in file_contents(state).items() if not re.search(r"slot-\d+\.json$", name)}
    for name, data in {**files, **state_files}.items():
        lowered = data.lower()
        for secret in secrets:
            assert secret.lower().encode() not in lowered, f"a secret is in {name}"
        text = data.decode("utf-8", errors="ignore")
        for code in codes:
            assert not re.search(rf"(?<![\d.]){code}(?![\d.])", text), f"a TOTP code is in {name}"
