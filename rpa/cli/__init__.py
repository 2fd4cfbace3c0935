"""The `rpa` command: a thin layer of Typer command groups over the `rpa` library.

Each group lives in its own module and holds no business logic: every command is a call into
`rpa` that a Python user could make too.
"""

from __future__ import annotations

import typer

from rpa.cli import credentials, demo, lookup, payers, run, runs
from rpa.cli import sandbox as sandbox_commands

app = typer.Typer(
    name="rpa",
    help="Robotic process automation for payer portals: claim status and eligibility, normalized to X12.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(lookup.app, name="lookup")
app.command("run")(run.run)
app.add_typer(runs.app, name="runs")
app.command("followup")(runs.followup)
app.add_typer(payers.app, name="payers")
app.add_typer(credentials.app, name="credentials")
app.add_typer(sandbox_commands.app, name="sandbox")
app.command("demo")(demo.demo)


def main() -> None:
    app()
