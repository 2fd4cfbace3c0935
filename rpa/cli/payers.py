"""`rpa payers list|check`: which portals this installation knows, and whether they answer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from rpa.cli.common import console, print_json, reports_errors

app = typer.Typer(help="Payers, the portals that serve them, and their flows.", no_args_is_help=True)


@app.command("list")
@reports_errors
def list_payers(json_output: Annotated[bool, typer.Option("--json", help="Print JSON for programs.")] = False) -> None:
    """Every payer this installation knows, the portal that serves it, and where its flow lives."""
    from rpa.core.settings import load_settings
    from rpa.payers.registry import discover
    from rpa.payers.setup import portal_credential_or_none

    settings = load_settings()
    catalog = discover()
    rows = []
    for payer_id, info in sorted(catalog.payers.items()):
        flow = info.flow
        config = settings.portal(flow.portal_id, flow.limits)
        credential = portal_credential_or_none(flow)
        rows.append(
            {
                "payer": payer_id,
                "name": info.payer.name,
                "portal": flow.portal_id,
                "portal_name": flow.display_name,
                "tasks": sorted(task.value for task in flow.tasks),
                "api_mode": sorted(task.value for task in flow.api_tasks),
                "max_sessions": config.max_sessions,
                "url": config.url or flow.default_url or ("(local sandbox)" if hasattr(flow, "sandbox_portal") else None),
                "credentials": credential.source if credential else "none configured",
                "flow_file": catalog.portals[flow.portal_id].file,
                "origin": info.origin,
            }
        )
    if json_output:
        print_json(rows)
        return
    table = Table(title="Payers, and the portals that serve them", box=box.SIMPLE_HEAD, padding=(0, 1))
    table.add_column("payer", no_wrap=True)
    table.add_column("portal", no_wrap=True)
    table.add_column("tasks", min_width=15)
    table.add_column("max", justify="right")
    table.add_column("url", min_width=8)
    table.add_column("credential", min_width=10)
    for row in rows:
        tasks = [task.replace("claim_status", "claims") + ("+api" if task in row["api_mode"] else "") for task in row["tasks"]]
        table.add_row(
            row["payer"], row["portal"], ", ".join(tasks), str(row["max_sessions"]), row["url"] or "", row["credentials"]
        )
    console.print(table)


@app.command("check")
@reports_errors
def check(
    ids: Annotated[list[str] | None, typer.Argument(help="Payer or portal ids (default: every portal).")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for programs.")] = False,
    sign_in: Annotated[
        bool, typer.Option("--sign-in", help="Also sign in once and run the flow's declared test cases (catches changed pages).")
    ] = False,
    runs_dir: Annotated[Path | None, typer.Option(help="Where --sign-in records its test runs.")] = None,
) -> None:
    """Is each portal ready to run: maps, portal answering, every credential field, no refused password.

    Never signs in unless --sign-in is given (a sign-in counts against the account's lockout
    limit); then it also runs the flow's declared test cases, so a portal whose pages changed is
    caught before the overnight run. Exit code 0 when every portal checked is ready, 1 when any is not.
    """
    from rpa.core.settings import load_settings
    from rpa.engine.readiness import check_readiness

    results = check_readiness(ids or [], load_settings(runs_dir=runs_dir), sign_in=sign_in)
    if json_output:
        print_json([result.as_dict() for result in results])
    else:
        for result in results:
            verdict = "[green]ready[/]" if result.ready else "[bold red]not ready[/]"
            title = f"{result.portal} ({', '.join(result.payers)}): {verdict}"
            table = Table(title=title, title_justify="left")
            for column in ("check", "", "detail", "fix"):
                table.add_column(column)
            for finding in result.findings:
                mark = "[green]ok[/]" if finding.ok else "[red]problem[/]"
                table.add_row(finding.check, mark, finding.detail, finding.fix or "")
            console.print(table)
    if not all(result.ready for result in results):
        raise typer.Exit(1)


@app.command("new")
@reports_errors
def new_payer(
    portal: Annotated[str, typer.Argument(help="The new portal's id (lowercase, e.g. acme).")],
    folder: Annotated[Path | None, typer.Option(help="Where flows live (the first of $RPA_FLOWS_PATH, else ./flows).")] = None,
    name: Annotated[str | None, typer.Option(help="The portal's display name.")] = None,
) -> None:
    """Write a new portal's flow, selector map, wording map and test cases, to fill in."""
    from rpa.payers.registry import flow_folders
    from rpa.payers.scaffold import new_flow

    target = folder or flow_folders()[0]
    written = new_flow(portal, target, name)
    for path in written:
        console.print(f"wrote {path}")
    console.print(
        f"next: fill them in (docs/adding-a-payer.md), set RPA_{portal.upper()}_URL and its credential, "
        f"then: rpa payers test {portal}"
    )


@app.command("test")
@reports_errors
def test_payer(
    portal: Annotated[str, typer.Argument(help="Portal id (or the id of a payer it serves).")],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for programs.")] = False,
    runs_dir: Annotated[Path | None, typer.Option(help="Where the test runs are recorded.")] = None,
) -> None:
    """Run the flow's declared test cases against its configured portal; exit 1 when any case fails."""
    from rpa.core.settings import load_settings
    from rpa.engine.jobs import run_test_cases

    results, summaries = run_test_cases(portal, settings=load_settings(runs_dir=runs_dir))
    stops = [stop for summary in summaries for stop in summary.stopped]
    if json_output:
        print_json(
            {
                "passed": sum(result.passed for result in results),
                "failed": sum(not result.passed for result in results),
                "cases": [
                    {
                        "name": result.case.name,
                        "passed": result.passed,
                        "outcome": result.outcome,
                        "differences": result.differences,
                    }
                    for result in results
                ],
                "stopped": [stop.model_dump(mode="json") for stop in stops],
                "runs": [str(summary.run_dir) for summary in summaries],
            }
        )
    else:
        table = Table(title=f"{portal}: test cases", title_justify="left")
        for column in ("case", "", "what differs"):
            table.add_column(column)
        for result in results:
            mark = "[green]pass[/]" if result.passed else "[bold red]FAIL[/]"
            table.add_row(result.case.name, mark, "\n".join(result.differences))
        console.print(table)
        for stop in stops:
            console.print(f"[bold red]stopped[/] {stop.portal} ({stop.kind}): {stop.message}\n  fix: {stop.fix}", highlight=False)
        for summary in summaries:
            console.print(f"[dim]recorded in {summary.run_dir}[/]")
    if stops or not all(result.passed for result in results):
        raise typer.Exit(1)
