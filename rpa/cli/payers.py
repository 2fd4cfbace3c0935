"""`rpa payers list|check`: which portals this installation knows, and whether they answer."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from rpa.cli.common import console, print_json, reports_errors

app = typer.Typer(help="Payers (portals) this installation knows.", no_args_is_help=True)


@app.command("list")
@reports_errors
def list_payers(json_output: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every payer found in flows/ and installed packages, with tasks and limits."""
    from rpa.core.credentials import find_credential
    from rpa.payers.registry import discover
    from rpa.core.settings import load_settings

    settings = load_settings()
    rows = []
    for payer_id, info in sorted(discover().items()):
        flow = info.flow
        overrides = settings.payer(payer_id)
        credential = find_credential(payer_id)
        rows.append(
            {
                "payer": payer_id,
                "name": flow.display_name,
                "tasks": sorted(task.value for task in flow.tasks),
                "api_mode": sorted(task.value for task in flow.api_tasks),
                "max_sessions": overrides.max_sessions or flow.limits.max_sessions,
                "url": overrides.url or flow.default_url or ("(embedded sandbox)" if payer_id == "sandbox" else None),
                "credentials": credential.source if credential else "none configured",
                "origin": info.origin,
            }
        )
    if json_output:
        print_json(rows)
        return
    table = Table(title="Payers")
    for column in ("payer", "name", "tasks", "api mode", "sessions", "url", "credentials"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["payer"],
            row["name"],
            ", ".join(row["tasks"]),
            ", ".join(row["api_mode"]),
            str(row["max_sessions"]),
            row["url"] or "",
            row["credentials"],
        )
    console.print(table)


@app.command("check")
@reports_errors
def check_payers(
    payers: Annotated[list[str] | None, typer.Argument(help="Payer ids (default: every known payer).")] = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Is each payer ready to run: selector map, portal answering, credentials, no refused password.

    Never signs in (a sign-in counts against the account's lockout limit). Exit code 0 when
    every payer checked is ready, 1 when any is not.
    """
    from rpa.payers.readiness import check_payers as check
    from rpa.core.settings import load_settings

    results = check(payers or [], load_settings())
    if json_output:
        print_json([result.as_dict() for result in results])
    else:
        for result in results:
            verdict = "[green]ready[/]" if result.ready else "[bold red]not ready[/]"
            table = Table(title=f"{result.payer}: {verdict}", title_justify="left")
            for column in ("check", "", "detail", "fix"):
                table.add_column(column)
            for finding in result.findings:
                mark = "[green]ok[/]" if finding.ok else "[red]problem[/]"
                table.add_row(finding.check, mark, finding.detail, finding.fix or "")
            console.print(table)
    if not all(result.ready for result in results):
        raise typer.Exit(1)
