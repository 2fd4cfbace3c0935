"""The `rpa` command: a thin layer of Typer command groups over the `rpa` library.

Each group lives in its own module and holds no business logic: every command is a call into
`rpa` that a Python user could make too.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rpa.cli import console, credentials, demo, lookup, payers, run, runs, worker
from rpa.cli import sandbox as sandbox_commands

app = typer.Typer(
    name="rpa",
    help="Robotic process automation for payer portals: claim status and eligibility, normalized to X12.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"rpa {version('payer-portal-rpa')}")
        except PackageNotFoundError:
            typer.echo("rpa (not installed)")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Robotic process automation for payer portals: claim status and eligibility, normalized to X12."""


app.add_typer(lookup.app, name="lookup")
app.command("run")(run.run)
app.add_typer(runs.app, name="runs")
app.command("followup")(runs.followup)
app.add_typer(payers.app, name="payers")
app.add_typer(credentials.app, name="credentials")
app.add_typer(sandbox_commands.app, name="sandbox")
app.add_typer(console.app, name="console")
app.command("demo")(demo.demo)
app.command("worker")(worker.worker)
app.command("workers")(worker.workers)


def main() -> None:
    app()
