"""Nothing secret in any file a run leaves: not in logs, results, page HTML, screenshots or traces."""

from __future__ import annotations

import json
import re
import time
import zipfile
from pathlib import Path

import pyotp

from rpa.core.settings import RetrySettings
from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist
from rpa.engine.sessions import SessionStateStore
from rpa.runs.store import RunStore

NO_RETRY = RetrySettings(attempts=1, initial_s=0, max_s=0, jitter_s=0)


def file_contents(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, and every entry inside the zip archives (Playwright traces)."""
    contents = {}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        contents[str(path)] = data
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for entry in archive.namelist():
                    contents[f"{path}!{entry}"] = archive.read(entry)
    return contents


def totp_codes(secret: str, started: float, ended: float) -> set[str]:
    totp = pyotp.TOTP(secret)
    return {totp.at(moment) for moment in range(int(started) - 60, int(ended) + 60, 30)}


def test_no_password_totp_secret_code_or_session_cookie_in_any_run_file(sandbox, engine_as, tmp_path, monkeypatch):
    user = sandbox.user("clinic2")
    settings = engine_as("clinic2").model_copy(update={"sessions": 2, "mode": "page", "trace": "always", "retry": NO_RETRY})
    saved_states: list[dict] = []
    original_save = SessionStateStore.save

    def recording_save(self, payer, key, slot, state):
        saved_states.append(json.loads(json.dumps(state)))
        original_save(self, payer, key, slot, state)

    monkeypatch.setattr(SessionStateStore, "save", recording_save)
    started = time.time()
    claims = sandbox.data.claims[700:712]
    good = run_worklist(
        write_worklist(tmp_path / "good.csv", [{"payer": "sandbox", "claim_number": c.claim_number} for c in claims[:6]]),
        settings=settings,
    )
    # The failing batch signs in again inside traced items (its sessions ended), then times out
    # on results slower than it waits for, so evidence with traces is written.
    sandbox.expire_sessions("clinic2")
    sandbox.configure(spinner_ms=3000)
    impatient = settings.model_copy(update={"navigation_timeout_ms": 1500})
    failing = run_worklist(
        write_worklist(tmp_path / "bad.csv", [{"payer": "sandbox", "claim_number": c.claim_number} for c in claims[6:]]),
        settings=impatient,
    )
    ended = time.time()

    evidence = [path for result in RunStore(failing.run_dir).results() for path in result.evidence]
    assert any(path.endswith("trace.zip") for path in evidence) and any(path.endswith("page.html") for path in evidence)
    assert good.counts["found"] == 6 and sum(failing.stats["sign_in_attempts"].values()) >= 1
    cookies = {cookie["value"] for state in saved_states for cookie in state["cookies"] if len(cookie["value"]) >= 8}
    assert cookies, "the engine saved no signed-in state"
    secrets = {user["password"], user["totp_secret"], *cookies}
    codes = totp_codes(user["totp_secret"], started, ended)

    files = {**file_contents(good.run_dir), **file_contents(failing.run_dir)}
    network = b"".join(data for name, data in files.items() if name.endswith("!trace.network"))
    assert b'"method":"GET"' in network, "the traces recorded no requests at all"
    assert b'"method":"POST"' not in network, "a sign-in form was submitted while a trace was recording"
    state_files = {
        name: data for name, data in file_contents(settings.state_dir).items() if not re.search(r"slot-\d+\.json$", name)
    }
    for name, data in {**files, **state_files}.items():
        for secret in secrets:
            assert secret.encode() not in data, f"a secret is in {name}"
        text = data.decode("utf-8", errors="ignore")
        for code in codes:
            assert not re.search(rf"(?<![\d.]){code}(?![\d.])", text), f"a TOTP code is in {name}"
