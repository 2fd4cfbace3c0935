"""`rpa sandbox`: serve the local sandbox portal, list its users, export its ground truth, unlock."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

# The portal's modules are imported inside each command: `rpa lookup` must not pay for them.

app = typer.Typer(help="The local sandbox payer portal: serve it, list its users, export its ground truth.", no_args_is_help=True)

Seed = Annotated[int, typer.Option(help="Seed the portal's data is generated from.")]
Members = Annotated[int, typer.Option(help="How many members to generate.")]
Claims = Annotated[int, typer.Option(help="How many claims to generate.")]


class UI(StrEnum):
    v1 = "v1"
    v2 = "v2"


class TruthFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on; 0 picks a free one.")] = 0,
    seed: Seed = 7,
    members: Members = 500,
    claims: Claims = 5000,
    latency_ms: Annotated[int | None, typer.Option(help="Added to every request, in ms.")] = None,
    jitter_ms: Annotated[int | None, typer.Option(help="Up to this much more latency, at random.")] = None,
    error_rate: Annotated[float | None, typer.Option(help="Share of page and API requests answering 500/503.")] = None,
    maintenance: Annotated[
        bool | None, typer.Option("--maintenance/--no-maintenance", help="Answer every page with the maintenance page.")
    ] = None,
    spinner_ms: Annotated[int | None, typer.Option(help="How long results pages show their spinner.")] = None,
    modal_rate: Annotated[float | None, typer.Option(help="Share of signed-in pages opening a survey or announcement.")] = None,
    captcha_after: Annotated[
        int | None, typer.Option(help="CAPTCHA after this many sign-ins per user in 10 minutes (0: never).")
    ] = None,
    session_idle_s: Annotated[float | None, typer.Option(help="Idle timeout of a session, in seconds.")] = None,
    session_max_s: Annotated[float | None, typer.Option(help="Absolute lifetime of a session, in seconds.")] = None,
    max_sessions: Annotated[int | None, typer.Option(help="Concurrent sessions per user; a new sign-in ends the oldest.")] = None,
    ui: Annotated[UI | None, typer.Option(help="UI variant.")] = None,
) -> None:
    """Serve the portal until interrupted; prints its URL as the first line."""
    from pydantic import ValidationError

    from rpa.sandbox.client import announced
    from rpa.sandbox.server import SandboxServer
    from rpa.sandbox.settings import Settings

    try:
        settings = Settings.from_env(
            latency_ms=latency_ms,
            jitter_ms=jitter_ms,
            error_rate=error_rate,
            maintenance=maintenance,
            spinner_ms=spinner_ms,
            modal_rate=modal_rate,
            captcha_after=captcha_after,
            session_idle_s=session_idle_s,
            session_max_s=session_max_s,
            max_sessions=max_sessions,
            ui=ui.value if ui else None,
        )
    except ValidationError as invalid:
        raise typer.BadParameter(invalid.errors()[0]["msg"] + f" ({invalid.errors()[0]['loc'][0]})") from None
    server = SandboxServer(seed, members, claims, host=host, port=port, settings=settings)
    url = server.bind()
    with announced(url) as state_file:
        typer.echo(url)
        typer.echo(f"Sandbox portal at {url} (seed {seed}); sign-in details: rpa sandbox users. State: {state_file}", err=True)
        server.serve_forever()


@app.command()
def users(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for programs.")] = False,
    seed: Seed = 7,
) -> None:
    """The seeded users with their passwords and TOTP secrets (a sandbox has no secrets worth keeping)."""
    import pyotp
    from rich.console import Console
    from rich.table import Table

    from rpa.sandbox.auth import seeded_users

    seeded = seeded_users(seed)
    if as_json:
        typer.echo(json.dumps([user.as_dict() for user in seeded], indent=2))
        return
    table = Table(title=f"Sandbox portal users (seed {seed})")
    for column in ("Username", "Password", "TOTP secret", "Current code"):
        table.add_column(column, overflow="fold")
    for user in seeded:
        table.add_row(user.username, user.password, user.totp_secret, pyotp.TOTP(user.totp_secret).now())
    Console().print(table)


@app.command()
def truth(
    format: Annotated[TruthFormat, typer.Option("--format", help="JSON lines, or one JSON array.")] = TruthFormat.jsonl,
    seed: Seed = 7,
    members: Members = 500,
    claims: Claims = 5000,
    date: Annotated[str | None, typer.Option(help="Date of service for eligibility (default today).")] = None,
    service_type: Annotated[str, typer.Option(help="Service type code for eligibility.")] = "30",
    output: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
) -> None:
    """The answer a correct lookup returns for every claim, then every member."""
    from rpa.sandbox.data import generate
    from rpa.sandbox.search import parse_date
    from rpa.sandbox.truth import truth_records, write_truth
    from rpa.sandbox.wording import SERVICE_TYPES

    try:
        on_date = parse_date(date) if date else None
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD or MM/DD/YYYY", param_hint="--date") from None
    if service_type not in SERVICE_TYPES:
        raise typer.BadParameter(f"one of {', '.join(SERVICE_TYPES)}", param_hint="--service-type")
    records = truth_records(generate(seed, members, claims), on_date=on_date, service_type=service_type)
    if output is None:
        write_truth(records, sys.stdout, format.value)
        return
    with output.open("w") as stream:
        write_truth(records, stream, format.value)


@app.command()
def unlock(
    username: Annotated[str, typer.Argument(help="The locked user.")],
    url: Annotated[str | None, typer.Option(help="The sandbox's URL (default: $RPA_SANDBOX_URL, else the running one).")] = None,
) -> None:
    """Unlock a user locked out after failed sign-ins, on a running sandbox."""
    import httpx

    from rpa.sandbox.client import SandboxAdmin, running_sandbox_url

    target = running_sandbox_url(url)
    if target is None:
        typer.echo("No running sandbox found: start one with `rpa sandbox serve`, or pass --url.", err=True)
        raise typer.Exit(2)
    admin = SandboxAdmin(target)
    try:
        admin.unlock(username)
    except httpx.HTTPStatusError as refused:
        typer.echo(refused.response.json().get("message", str(refused)), err=True)
        raise typer.Exit(1) from None
    except httpx.HTTPError as unreachable:
        typer.echo(f"Cannot reach the sandbox at {target}: {unreachable}", err=True)
        raise typer.Exit(1) from None
    finally:
        admin.close()
    typer.echo(f"Unlocked {username}.")
