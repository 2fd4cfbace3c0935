"""Cold start: a run that begins with no stored session at all, as the first night on a new
machine does, and as any night does after the portal ended yesterday's sessions.

The sandbox (its own process) waits `--latency-ms` on every request. One `rpa run` child process
signs in every session it opens and then answers every claim from the portal's JSON; the figure
is lookups per second over the whole run, sign-ins included, against the floor a run that needs
no sign-in at all could reach (sessions / (2 requests x the measured request time)).

    .venv/bin/python bench/cold_start.py                      # 200 claims, 8 sessions, 200 ms
    .venv/bin/python bench/cold_start.py --sessions 4 --claims 100
"""

from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path

import httpx
from common import ROOT, Workspace, correctness, run_rpa

from rpa.core.worklist import write_worklist
from rpa.sandbox.client import SandboxAdmin
from rpa.sandbox.server import SandboxProcess

REQUESTS_PER_LOOKUP = 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--latency-ms", type=int, default=200)
    options = parser.parse_args()
    code = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    print(
        f"Cold start: {options.claims} claims, {options.sessions} sessions, {options.latency_ms} ms portal latency, code {code}"
    )
    with SandboxProcess("--latency-ms", str(options.latency_ms)) as portal:
        admin = SandboxAdmin(portal.url)
        user = admin.user("clinic1")
        truth = admin.truth_claims()[: options.claims]
        request_s = _request_time(portal.url)
        workspace = Workspace()
        env = workspace.env(
            portal.url,
            RPA_SANDBOX_USERNAME=user["username"],
            RPA_SANDBOX_PASSWORD=user["password"],
            RPA_SANDBOX_TOTP_SECRET=user["totp_secret"],
        )
        rows = [{"payer": "sandbox", "claim_number": record["query"]["claim_number"]} for record in truth]
        worklist = write_worklist(workspace.root / "claims.csv", rows)
        before = admin.stats()
        started = time.monotonic()
        code, summary = run_rpa(
            ["run", str(worklist), "--runs-dir", str(workspace.runs), "--sessions", str(options.sessions), "--mode", "api"], env
        )
        elapsed = time.monotonic() - started
        after = admin.stats()
        admin.close()
    rate = options.claims / elapsed
    floor = options.sessions / (REQUESTS_PER_LOOKUP * request_s)
    score = correctness(Path(summary["run_dir"]), truth)
    earlier = before["sign_in"].get("clinic1", {})
    events = {
        name: after["sign_in"]["clinic1"].get(name, 0) - earlier.get(name, 0)
        for name in ("signed_in", "code_accepted", "device_remembered")
    }
    print(f"  a request on a kept-alive connection takes {request_s * 1000:.0f} ms")
    print(f"  exit {code}: {options.claims} lookups in {elapsed:.1f} s (child process start to exit, sign-ins included)")
    print(
        f"  {rate:.2f} lookups/s, floor {floor:.2f}/s ({REQUESTS_PER_LOOKUP} requests a lookup): {rate / floor:.2f} of the floor"
    )
    signed, coded, remembered = events["signed_in"], events["code_accepted"], events["device_remembered"]
    print(f"  sign-ins: {signed} ({coded} with a one-time code, {remembered} on a remembered device)")
    print(f"  answers: {score['correct']}/{options.claims} correct, {score['wrong']} wrong, {score['unanswered']} unanswered")


def _request_time(url: str) -> float:
    with httpx.Client(base_url=url) as client:
        client.get("/login")
        started = time.monotonic()
        for _ in range(5):
            client.get("/login")
        return (time.monotonic() - started) / 5


if __name__ == "__main__":
    main()
