"""Chaos: 1,000 lookups against a sandbox with every obstacle mixed in at realistic rates.

Latency with jitter, a few percent of error pages, slow results behind a spinner, pop-up surveys,
CAPTCHA after many sign-ins, short session lifetimes, sessions ended from outside, a maintenance
window in the middle of the run and a redesign (UI v2) switched on half-way. The script acts as
the overnight scheduler would: when a run stops early (exit 3) it waits and resumes it, and when a
CAPTCHA stopped a credential it plays the person who clears it. It prints what matters the next
morning: items correct, lost, duplicated, needing a person, sign-ins per credential, retries.

    .venv/bin/python bench/chaos.py [--claims 700] [--members 300]
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from pathlib import Path

from common import Workspace, correctness, duplicates_and_lost, results_lines, run_rpa

from rpa.core.worklist import write_worklist
from rpa.sandbox.client import SandboxAdmin
from rpa.sandbox.data import ANCHOR
from rpa.sandbox.server import SandboxProcess

OBSTACLES = (
    "--latency-ms", "40", "--jitter-ms", "120", "--error-rate", "0.03", "--spinner-ms", "400",
    "--modal-rate", "0.1", "--captcha-after", "40", "--session-idle-s", "120", "--session-max-s", "300",
)  # fmt: skip
USER = "demo"
SIGN_INS: Counter = Counter()
"""The portal's sign-in events for USER, carried over the resets that clear a CAPTCHA."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=700)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=4)
    options = parser.parse_args()
    started = time.monotonic()
    with SandboxProcess(*OBSTACLES) as sandbox:
        admin = SandboxAdmin(sandbox.url)
        workspace = Workspace()
        claim_truth = admin.truth_claims()
        member_truth = admin.truth_eligibility(date=ANCHOR)
        claims = write_worklist(workspace.root / "claims.csv", claim_rows(claim_truth, options.claims))
        members = write_worklist(workspace.root / "members.csv", member_rows(member_truth, options.members))
        weather = Weather(admin)
        weather.start()
        try:
            claim_run = scheduled_run(["run", str(claims), "--mode", "page"], workspace, sandbox.url, admin, options)
            member_run = scheduled_run(["run", str(members), "--mode", "auto"], workspace, sandbox.url, admin, options)
        finally:
            weather.stop()
        report(
            [("claim status (page mode)", claim_run, claim_truth), ("eligibility (auto mode)", member_run, member_truth)],
            admin.stats(),
            weather,
            time.monotonic() - started,
        )


class Weather(threading.Thread):
    """The portal's bad day on a timetable: sessions ended from outside, maintenance, a redesign."""

    def __init__(self, admin: SandboxAdmin):
        super().__init__(daemon=True)
        self.admin = admin
        self.events: list[str] = []
        self._halt = threading.Event()
        self.ui = "v1"

    def run(self) -> None:
        begun = time.monotonic()
        timetable = [(20, self.maintenance_on), (35, self.maintenance_off), (45, self.redesign)]
        next_expiry = 25.0
        while not self._halt.wait(1.0):
            elapsed = time.monotonic() - begun
            while timetable and elapsed >= timetable[0][0]:
                timetable.pop(0)[1]()
            if elapsed >= next_expiry:
                self.admin.expire_sessions(USER)
                self.events.append(f"{elapsed:4.0f}s sessions of {USER} ended from outside")
                next_expiry += 30.0

    def maintenance_on(self) -> None:
        self.admin.configure(maintenance=True, ui=self.ui)
        self.events.append("  20s maintenance window opens")

    def maintenance_off(self) -> None:
        self.admin.configure(ui=self.ui)
        self.events.append("  35s maintenance window closes")

    def redesign(self) -> None:
        self.ui = "v2"
        self.admin.configure(ui="v2")
        self.events.append("  45s the portal switches to its redesign (UI v2)")

    def stop(self) -> None:
        self._halt.set()
        self.join()


def scheduled_run(arguments: list[str], workspace: Workspace, url: str, admin: SandboxAdmin, options) -> dict:
    """Run to the end as a scheduler would: resume after a stop, clear a CAPTCHA when one stops us."""
    common = ["--runs-dir", str(workspace.runs), "--sessions", str(options.sessions)]
    code, summary = run_rpa([*arguments, *common], workspace.env(url))
    runs = {"exit codes": [code], "resumes": 0, "captchas cleared": 0, "run_dir": summary.get("run_dir")}
    while code == 3 and runs["resumes"] < 20:
        if any(stop["kind"] == "needs_human" for stop in summary.get("stopped", [])):
            SIGN_INS.update(admin.stats()["sign_in"].get(USER, {}))
            admin.reset()  # the person at the desk signs in by hand and solves the CAPTCHA (the portal forgets)
            runs["captchas cleared"] += 1
        time.sleep(10)
        code, summary = run_rpa(["run", "--resume", Path(runs["run_dir"]).name, *common], workspace.env(url))
        runs["exit codes"].append(code)
        runs["resumes"] += 1
    return runs


def claim_rows(truth: list[dict], count: int) -> list[dict]:
    by_status: dict[str, list[dict]] = {}
    for record in truth:
        by_status.setdefault(record["answer"]["status_text"], []).append(record)
    picked: list[dict] = []
    while len(picked) < count and any(by_status.values()):
        for records in by_status.values():
            if records and len(picked) < count:
                picked.append(records.pop())
    return [{"payer": "sandbox", "claim_number": record["query"]["claim_number"]} for record in picked]


def member_rows(truth: list[dict], count: int) -> list[dict]:
    return [
        {
            "payer": "sandbox",
            "member_id": record["query"]["member_id"],
            "patient_dob": record["query"]["patient_dob"],
            "service_date": record["query"]["service_date"],
            "service_type": "30",
        }
        for record in truth[:count]
    ]


def report(parts, stats: dict, weather: Weather, elapsed: float) -> None:
    print(f"chaos run: {elapsed:.0f} s; obstacles {' '.join(OBSTACLES)}")
    for event in weather.events:
        print(f"  {event}")
    totals: Counter = Counter()
    for name, runs, truth in parts:
        run_dir = Path(runs["run_dir"])
        manifest = json.loads((run_dir / "manifest.json").read_text())
        lines = results_lines(run_dir)
        outcomes = Counter(line["outcome"] for line in lines)
        duplicated, lost = duplicates_and_lost(run_dir)
        score = correctness(run_dir, truth)
        items = manifest["counts"]["items"]
        cleared = runs["captchas cleared"]
        print(f"\n{name}: {items} items, exits {runs['exit codes']}, {runs['resumes']} resumes, {cleared} CAPTCHAs cleared")
        print(
            f"  correct {score['correct']}  wrong {score['wrong']}  lost {lost}  duplicated {duplicated}  "
            f"needs_human {outcomes['needs_human']}  failed {outcomes['failed']}"
        )
        for item_id, differences in score["examples"]:
            print(f"    wrong {item_id}: {differences[:2]}")
        retries = manifest.get("stats", {}).get("retries_by_reason", {})
        print(
            f"  retries {sum(retries.values())}: " + ", ".join(f"{reason} {count}" for reason, count in sorted(retries.items()))
        )
        run_stats = manifest.get("stats", {})
        print(f"  session renewals {run_stats.get('session_renewals', 0)}, circuit opened {run_stats.get('circuit_opened', [])}")
        totals.update(
            {
                "items": items,
                "correct": score["correct"],
                "lost": lost,
                "duplicated": duplicated,
                "needs_human": outcomes["needs_human"],
            }
        )
    SIGN_INS.update(stats.get("sign_in", {}).get(USER, {}))
    print(f"\nsign-in events for credential {USER} (the portal's own count): {dict(SIGN_INS)}")
    print(
        f"TOTAL {totals['items']} items: {totals['correct']} correct, {totals['lost']} lost, "
        f"{totals['duplicated']} duplicated, {totals['needs_human']} needs_human"
    )


if __name__ == "__main__":
    main()
