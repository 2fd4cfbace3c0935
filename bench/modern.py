"""Modern portals (issue 18) in figures: a run under a portal's rate limit, and a changed page.

1. `--rate-limit N` on the sandbox (N requests a minute per user, 429 with Retry-After): one
   `rpa run` child over the claims in API mode; it must finish with nothing failed, no circuit
   opened, and use at least 0.9 of the allowed rate (requests the portal admitted for the tool's
   user over the run's duration, against N a minute).
2. A selector that never matches (a label renamed in a copy of the sandbox flow, run as a portal
   of its own): how many items and seconds until the portal stops with "the portal's pages
   changed", at 1 and 4 sessions.

    .venv/bin/python bench/modern.py [--claims 300] [--rate-limit 60] [--sessions 4] [--skip-rate-limit]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import time
from pathlib import Path

from common import Workspace, run_rpa
from throughput import ENGINE_USER, claim_worklist, claims_by_status_kind, code_under_test

from rpa.flows.sandbox.flow import SandboxFlow
from rpa.runs.scoring import index_truth, score
from rpa.runs.store import RunStore
from rpa.sandbox.client import SandboxAdmin
from rpa.sandbox.server import SandboxProcess


def main() -> int:
    options = parse_options()
    print(f"Modern portals benchmark (issue 18); code: {code_under_test()}; load average {os.getloadavg()[0]:.1f}")
    ok = True
    if not options.skip_rate_limit:
        ok &= rate_limited_run(options.claims, options.rate_limit, options.sessions)
    ok &= changed_page()
    return 0 if ok else 1


def rate_limited_run(count: int, limit: int, sessions: int) -> bool:
    workspace = Workspace()
    with SandboxProcess("--rate-limit", str(limit)) as sandbox:
        admin = SandboxAdmin(sandbox.url)
        truth = admin.truth_claims()
        claims, _ = claims_by_status_kind(truth, count)
        worklist = claim_worklist(workspace.root / "claims.csv", claims)
        before = admin.stats()["requests_by_user"].get(ENGINE_USER, {})
        arguments = ["run", str(worklist), "--sessions", str(sessions), "--mode", "api", "--runs-dir", str(workspace.runs)]
        code, summary = run_rpa(arguments, workspace.env(sandbox.url))
        after = admin.stats()["requests_by_user"][ENGINE_USER]
        admin.close()
    results = RunStore(Path(summary["run_dir"])).results()
    tally = score(results, index_truth(truth))
    requests = after["requests"] - before.get("requests", 0)
    minutes = summary["duration_s"] / 60
    rate = requests / minutes
    stats = summary["stats"]
    failed = summary["counts"].get("failed", 0)
    circuits = len(stats["circuit_opened"])
    met = failed == 0 and circuits == 0 and code == 0 and rate >= 0.9 * limit and tally.correct == len(claims)
    print(
        f"\n{len(claims)} claims under --rate-limit {limit} (API mode, {sessions} sessions): exit {code}, "
        f"{failed} failed, {circuits} circuit openings, correct {tally.correct}/{len(claims)}\n"
        f"  {requests} requests admitted in {minutes:.1f} min = {rate:.1f}/min = {rate / limit:.2f} of the allowed rate; "
        f"{stats['rate_limited'].get('sandbox', 0)} 429s waited out ({stats['rate_limited_wait_s']:.0f} s of holds), "
        f"{after['rate_limited'] - before.get('rate_limited', 0)} refused by the portal, peak {after['peak_per_minute']}/min"
        f"\n  goal (>= 0.9 of the rate, 0 failed, 0 circuits): {'met' if met else 'NOT met'}"
    )
    return met


def changed_page() -> bool:
    workspace = Workspace()
    flows = install_changed_flow(
        workspace.root / "flows", "claims.claim_number", '{label: "Claim Reference Number", exact: true}'
    )
    met = True
    with SandboxProcess() as sandbox:
        truth = SandboxAdmin(sandbox.url).truth_claims()
        rows = [{"Payer": "sandbox_changed", "Claim Number": record["query"]["claim_number"]} for record in truth[:12]]
        worklist = workspace.root / "changed.csv"
        worklist.write_text("Payer,Claim Number\n" + "".join(f"{r['Payer']},{r['Claim Number']}\n" for r in rows))
        env = {**workspace.env(sandbox.url), "RPA_FLOWS_PATH": str(flows), "RPA_SANDBOX_CHANGED_URL": sandbox.url}
        run_rpa(
            ["run", str(worklist), "--sessions", "1", "--mode", "page", "--runs-dir", str(workspace.root / "warm")], env
        )  # signs in
        print("\na selector that never matches (claims.claim_number relabelled), 12 claims, sessions signed in beforehand:")
        for sessions in (1, 4):
            started = time.monotonic()
            code, summary = run_rpa(
                ["run", str(worklist), "--sessions", str(sessions), "--mode", "page", "--runs-dir", str(workspace.runs)], env
            )
            seconds = time.monotonic() - started
            log = Path(summary["run_dir"]) / "log.jsonl"
            started_items = sum(json.loads(line)["event"] == "item_started" for line in log.read_text().splitlines())
            stop = (summary["stopped"] or [{}])[0]
            ok = code == 3 and stop.get("kind") == "layout" and "claims.claim_number" in stop.get("message", "") and seconds < 30
            met &= ok and started_items <= 3 + sessions
            print(
                f"  {sessions} session(s): exit {code} after {seconds:.1f} s (whole process), {started_items} items started, "
                f"{summary['pending']} pending; stop: {stop.get('message')}"
            )
    print(f"  goal (stops within 3 items, naming the key, under 30 s): {'met' if met else 'NOT met'}")
    return met


def install_changed_flow(folder: Path, element: str, spec: str) -> Path:
    """A copy of the sandbox flow with one element's locator changed, as portal `sandbox_changed`."""
    target = folder / "sandbox_changed"
    target.mkdir(parents=True)
    original = SandboxFlow.folder()
    selectors = (original / "selectors.yaml").read_text()
    block = re.compile(rf"^  {re.escape(element)}:\n(    - .*\n)+", re.M)
    (target / "selectors.yaml").write_text(block.sub(f"  {element}:\n    - {spec}\n", selectors))
    shutil.copy(original / "wording.yaml", target / "wording.yaml")
    (target / "flow.py").write_text(
        "from rpa.flows.sandbox.flow import SandboxFlow\nfrom rpa.payers.flow import Payer\n\n\n"
        "class Changed(SandboxFlow):\n"
        "    portal_id = 'sandbox_changed'\n"
        "    payers = (Payer('sandbox_changed', 'Sandbox Health (changed page)', filing_limit_days=180),)\n"
    )
    return folder


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--rate-limit", type=int, default=60, help="requests a minute per user on the sandbox")
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument(
        "--skip-rate-limit", action="store_true", help="only the changed-page figures (the rate run takes 10+ min)"
    )
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(main())
