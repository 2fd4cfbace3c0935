"""`rpa demo`: start the sandbox, run sample worklists, show the answers and where they are."""

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
    sessions: Annotated[int, typer.Option("--sessions", min=1)] = 4,
) -> None:
    """Run the main job on the local sandbox portal and check every answer against its ground truth."""
    from rpa.core.settings import load_settings
    from rpa.demo import run_demo

    settings = load_settings(runs_dir=runs_dir, mode=mode, sessions=sessions)
    with console.status("Starting the sandbox portal and running the sample worklists..."):
        url, parts = run_demo(settings)
    console.print(f"Sandbox portal: {url}  (rpa sandbox users lists its sign-ins)\n")
    all_agree = True
    for part in parts:
        console.rule(f"[bold]{part.name}[/]: {part.worklist}")
        console.print(summary_view(part.summary.as_dict()))
        tally = part.score
        agree = tally.all_correct and tally.checked == len(part.results)
        all_agree &= agree
        verdict = "[green]agree[/]" if agree else "[red]DISAGREE[/]"
        console.print(
            f"{tally.correct}/{len(part.results)} answers {verdict} field by field with the sandbox's ground truth"
            f" ({tally.expected_not_found} correctly not found)"
        )
        if part.summary.rejected:
            console.print(
                f"{part.summary.rejected} bad rows rejected, as meant, with reasons in {part.summary.run_dir / 'rejects.csv'}"
            )
        for item_id, differences in tally.wrong[:5]:
            console.print(f"  [red]{item_id}[/]: {'; '.join(differences[:3])}")
    eligibility = next((part for part in parts if part.name == "eligibility"), None)
    if eligibility is not None:
        example = next((r for r in eligibility.results if r.answer and r.answer.get("coverage_active")), None)
        if example is not None:
            console.rule("one eligibility answer")
            console.print(result_view(example.model_dump(mode="json")))
    console.print("\nReview a run:  rpa runs list   |   rpa runs show <run id>   |   rpa runs show <run id> --failed")
    raise typer.Exit(0 if all_agree else 1)
