"""`rpa demo`: start both sandbox portals, run sample worklists, show the answers and where they are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rpa.cli.common import console, reports_errors
from rpa.cli.render import result_view, summary_view


@reports_errors
def demo(
    runs_dir: Annotated[Path | None, typer.Option("--runs-dir", help="Where run folders go (default: runs/).")] = None,
    mode: Annotated[str, typer.Option("--mode", help="page (read the portal's pages), api or auto.")] = "page",
    sessions: Annotated[
        int,
        typer.Option("--sessions", min=1, help="Sessions per portal (each new one of the clearinghouse waits for a fresh code)."),
    ] = 2,
) -> None:
    """Run the main job on both local sandbox portals and check every answer against their ground truth."""
    from rpa.core.settings import load_settings
    from rpa.demo import run_demo
    from rpa.payers.registry import get_portal

    settings = load_settings(runs_dir=runs_dir, mode=mode, sessions=sessions)
    with console.status("Starting the sandbox portals and running the sample worklists..."):
        portals = run_demo(settings)
    all_agree = True
    for demo_portal in portals:
        name = get_portal(demo_portal.portal).display_name
        console.rule(f"[bold]{name}[/] ({demo_portal.portal}): {demo_portal.url}", characters="=")
        console.print(f"sign-ins: rpa sandbox users --portal {demo_portal.portal}\n")
        for part in demo_portal.parts:
            console.rule(f"[bold]{demo_portal.portal} {part.name}[/]: {part.worklist}")
            console.print(summary_view(part.summary.as_dict()))
            tally = part.score
            agree = tally.all_correct and tally.checked == len(part.results)
            all_agree &= agree
            verdict = "[green]agree[/]" if agree else "[red]DISAGREE[/]"
            settled = f", {tally.expected_needs_human} rightly left to a person" if tally.expected_needs_human else ""
            console.print(
                f"{demo_portal.portal}: {tally.correct}/{len(part.results)} answers {verdict} field by field with the "
                f"portal's ground truth ({tally.expected_not_found} correctly not found{settled})"
            )
            if part.summary.rejected:
                console.print(
                    f"{part.summary.rejected} bad rows rejected, as meant, with reasons in {part.summary.run_dir / 'rejects.csv'}"
                )
            for item_id, differences in tally.wrong[:5]:
                console.print(f"  [red]{item_id}[/]: {'; '.join(differences[:3])}")
        eligibility = next((part for part in demo_portal.parts if part.name == "eligibility"), None)
        example = (
            next((r for r in eligibility.results if r.answer and r.answer.get("coverage_active")), None) if eligibility else None
        )
        if example is not None:
            console.rule(f"one {demo_portal.portal} eligibility answer")
            console.print(result_view(example.model_dump(mode="json")))
    console.print("\nReview a run:  rpa runs list   |   rpa runs show <run id>   |   rpa runs show <run id> --failed")
    raise typer.Exit(0 if all_agree else 1)
