"""kill -9 at random points, then --resume, again and again; and memory over a long run.

Part 1: a 500-item run is killed with SIGKILL at random moments and resumed each time until
it completes; the final results must equal an uninterrupted run's (the ground truth), with no
item twice and none missing. Part 2: one long run, sampling the whole process tree's memory,
prints the peak at 100 items and at the end (browser contexts are recycled, so it stays flat).

    .venv/bin/python bench/kill9.py [--items 500] [--kills 12] [--memory-items 2000]
    (--items 0 skips part 1; --memory-items 0 skips part 2)
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import time

from common import TreeSampler, Workspace, correctness, duplicates_and_lost, mib, results_lines, rpa_command

from rpa.core.worklist import write_worklist
from rpa.sandbox.client import SandboxAdmin
from rpa.sandbox.server import SandboxProcess


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--memory-items", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--mode", default="page")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    random.seed(options.seed)
    with SandboxProcess() as sandbox:
        admin = SandboxAdmin(sandbox.url)
        truth = admin.truth_claims()
        workspace = Workspace()  # one state folder, as one deployment has: signed-in sessions carry over
        if options.items:
            kill_and_resume(sandbox.url, truth, options, workspace)
        if options.memory_items:
            memory_over_a_long_run(sandbox.url, truth, options, workspace)


def kill_and_resume(url: str, truth: list[dict], options, workspace: Workspace) -> None:
    records = truth[: options.items]
    worklist = write_worklist(
        workspace.root / "w.csv", [{"payer": "sandbox", "claim_number": r["query"]["claim_number"]} for r in records]
    )
    env = workspace.env(url)
    common = ["--runs-dir", str(workspace.runs), "--sessions", str(options.sessions), "--mode", options.mode]
    command = rpa_command("run", str(worklist), *common, "--json")
    kills, run_dir, started = 0, None, time.monotonic()
    while True:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while run_dir is None and process.poll() is None and not list(workspace.runs.glob("*/manifest.json")):
            time.sleep(0.05)
        if kills < options.kills:
            time.sleep(random.uniform(0.2, 6.0))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                kills += 1
            process.wait()
        else:
            process.wait()
        run_dir = run_dir or next((path.parent for path in workspace.runs.glob("*/manifest.json")), None)
        if run_dir is None:
            raise RuntimeError("the run ended without a run folder")
        done = len({line["item_id"] for line in results_lines(run_dir)})
        print(f"  after {'kill' if kills and process.returncode == -9 else 'exit'} {kills}: {done}/{len(records)} items finished")
        if done == len(records) and process.returncode != -9:
            break
        command = rpa_command("run", "--resume", run_dir.name, *common, "--json")
    duplicated, lost = duplicates_and_lost(run_dir)
    score = correctness(run_dir, truth)
    print(
        f"kill -9 x{kills} then --resume: {len(records)} items, {score['correct']} correct, {score['wrong']} wrong, "
        f"{duplicated} duplicated, {lost} lost, {score['unanswered']} unanswered ({time.monotonic() - started:.0f} s)"
    )


def memory_over_a_long_run(url: str, truth: list[dict], options, workspace: Workspace) -> None:
    records = truth[: options.memory_items]
    worklist = write_worklist(
        workspace.root / "m.csv", [{"payer": "sandbox", "claim_number": r["query"]["claim_number"]} for r in records]
    )
    runs = workspace.root / "memory-runs"
    command = rpa_command(
        "run",
        str(worklist),
        "--runs-dir",
        str(runs),
        "--sessions",
        str(options.sessions),
        "--mode",
        options.mode,
        "--json",
    )
    process = subprocess.Popen(command, env=workspace.env(url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampler = TreeSampler(process.pid).start()
    peaks: dict[int, tuple[int, int]] = {}  # items done -> (peak PSS, peak sum of RSS) so far
    started = time.monotonic()
    while process.poll() is None:
        time.sleep(0.5)
        run_dirs = list(runs.glob("*T*Z-*"))
        done = len(results_lines(run_dirs[0])) if run_dirs else 0
        if done >= 100 and 100 not in peaks:
            peaks[100] = (sampler.peak_pss, sampler.peak_rss)
    sampler.stop()
    peaks[len(records)] = (sampler.peak_pss, sampler.peak_rss)
    elapsed = time.monotonic() - started
    run_dir = next(iter(runs.glob("*T*Z-*")))
    score = correctness(run_dir, truth)
    early, end = peaks.get(100, (0, 0)), peaks[len(records)]
    print(
        f"memory ({options.mode} mode, {options.sessions} sessions), peak PSS of the process tree: {mib(early[0])} at "
        f"100 items, {mib(end[0])} at {len(records)} items (sum of RSS: {mib(early[1])}, {mib(end[1])}); "
        f"{score['correct']}/{len(records)} correct in {elapsed:.0f} s"
    )


if __name__ == "__main__":
    main()
