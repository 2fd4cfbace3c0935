"""`rpa run WORKLIST`: the overnight batch, with a progress bar and exit codes for schedulers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from rpa.cli.common import err_console, print_json, reports_errors
from rpa.cli.render import summary_view


@reports_errors
def run(
    worklist: Annotated[Path | None, typer.Argument(help="CSV or XLSX worklist.", show_default=False)] = None,
    task: Annotated[str | None, typer.Option("--task", help="claim_status or eligibility (default: from the columns).")] = None,
    payer: Annotated[str | None, typer.Option("--payer", help="Payer for rows without a payer column.")] = None,
    sessions: Annotated[
        int | None, typer.Option("--sessions", min=1, help="Sessions per credential (capped by the payer).")
    ] = None,
    resume: Annotated[
        str | None, typer.Option("--resume", help="Finish this run (id or folder) instead of starting one.")
    ] = None,
    runs_dir: Annotated[Path | None, typer.Option("--runs-dir", help="Where run folders go (default: runs/).")] = None,
    mode: Annotated[str | None, typer.Option("--mode", help="auto, page or api.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print only a JSON summary (with the run folder).")] = False,
    wait: Annotated[
        bool,
        typer.Option("--wait", help="If another process is working on this worklist (or run), wait for it instead of exiting 4."),
    ] = False,
    phi_in_logs: Annotated[
        bool, typer.Option("--phi-in-logs/--no-phi-in-logs", help="Unmasked PHI in the log (debugging only; recorded).")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print log events to stderr.")] = False,
    broker: Annotated[
        str | None,
        typer.Option(
            "--broker",
            envvar="RPA_BROKER_URL",
            show_envvar=True,
            help="Redis URL (redis:// or rediss://, with its password): `rpa worker` processes look the items up, "
            "this process writes the run folder.",
        ),
    ] = None,
) -> None:
    """Look up every row of a worklist; results, log and evidence go to a run folder.

    Exit codes: 0 every item answered; 1 some failed, need a person or were rejected; 2 usage or
    input error; 3 stopped early (authentication, CAPTCHA, portal down or unreachable, SIGTERM or
    SIGINT) with items left for --resume; 4 another process is already working on this worklist or
    run (nothing was looked up; --wait waits for it).
    """
    from rpa.core.settings import load_settings
    from rpa.engine.jobs import resume_run, run_worklist

    if (worklist is None) == (resume is None):
        err_console.print("[bold red]error:[/] give a WORKLIST, or --resume RUN (not both)")
        raise typer.Exit(2)
    settings = load_settings(runs_dir=runs_dir, sessions=sessions, mode=mode, phi_in_logs=phi_in_logs or None)
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=json_output,
        transient=False,
    )
    tallies: dict[str, int] = {}
    bar: list = []

    def on_start(store, items) -> None:
        bar.append(progress.add_task(store.run_id, total=len(items), counts=""))

    def on_result(result) -> None:
        tallies[result.outcome.value] = tallies.get(result.outcome.value, 0) + 1
        counts = " ".join(f"{name}={count}" for name, count in sorted(tallies.items()))
        progress.update(bar[0], advance=1, counts=counts)

    def on_wait(holder: dict) -> None:
        err_console.print(f"waiting for run {holder.get('run_id', '?')} (pid {holder.get('pid', '?')}) to finish...")

    with progress:
        if resume:
            summary = resume_run(
                resume,
                settings=settings,
                wait=wait,
                on_start=on_start,
                on_result=on_result,
                on_wait=on_wait,
                verbose=verbose,
                broker=broker,
            )
        else:
            summary = run_worklist(
                worklist,
                task=task,
                payer=payer,
                settings=settings,
                wait=wait,
                on_start=on_start,
                on_result=on_result,
                on_wait=on_wait,
                verbose=verbose,
                broker=broker,
            )
    data = summary.as_dict()
    if json_output:
        print_json(data)
    else:
        err_console.print(summary_view(data))
        if summary.resume_command:
            err_console.print(f"to finish it: [bold]{summary.resume_command}[/]", highlight=False)
    raise typer.Exit(summary.exit_code)
