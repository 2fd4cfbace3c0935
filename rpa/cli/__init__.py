"""The `rpa` command: a thin layer of Typer command groups over the `rpa` library."""

from __future__ import annotations

import typer

from rpa.cli import sandbox as sandbox_commands

app = typer.Typer(
    name="rpa",
    help="Robotic process automation for payer portals: claim status and eligibility.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(sandbox_commands.app, name="sandbox")


def main() -> None:
    app()
