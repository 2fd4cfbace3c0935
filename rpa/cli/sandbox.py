"""`rpa sandbox`: serve a local sandbox portal, list its users, export its ground truth, unlock.

`--portal` picks the portal: `sandbox` (the payer's own site, the default) or `clearinghouse`
(the multi-payer portal); see docs/sandbox-portal.md and docs/sandbox-clearinghouse.md.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

# The portal's modules are imported inside each command: `rpa lookup` must not pay for them.

app = typer.Typer(help="The local sandbox payer portal: serve it, list its users, export its ground truth.", no_args_is_help=True)


class PortalName(StrEnum):
    sandbox = "sandbox"
    clearinghouse = "clearinghouse"


Portal = Annotated[PortalName, typer.Option(help="Which sandbox portal.")]
Seed = Annotated[int, typer.Option(help="Seed the portal's data is generated from.")]
Members = Annotated[int | None, typer.Option(help="How many members to generate (default: 500 sandbox, 600 clearinghouse).")]
Claims = Annotated[int | None, typer.Option(help="How many claims to generate (default: 5000 sandbox, 4000 clearinghouse).")]


class UI(StrEnum):
    v1 = "v1"
    v2 = "v2"
    v3 = "v3"


class Auth(StrEnum):
    cookie = "cookie"
    token = "token"


class TruthFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on; 0 picks a free one.")] = 0,
    portal: Portal = PortalName.sandbox,
    seed: Seed = 7,
    members: Members = None,
    claims: Claims = None,
    latency_ms: Annotated[int | None, typer.Option(help="Added to every request, in ms.")] = None,
    jitter_ms: Annotated[int | None, typer.Option(help="Up to this much more latency, at random.")] = None,
    error_rate: Annotated[float | None, typer.Option(help="Share of page and API requests answering 500/503.")] = None,
    maintenance: Annotated[
        bool | None, typer.Option("--maintenance/--no-maintenance", help="Answer every page with the maintenance page.")
    ] = None,
    spinner_ms: Annotated[int | None, typer.Option(help="How long results pages show their spinner (sandbox).")] = None,
    modal_rate: Annotated[float | None, typer.Option(help="Share of signed-in pages opening a survey or announcement.")] = None,
    captcha_after: Annotated[
        int | None, typer.Option(help="CAPTCHA after this many sign-ins per user in 10 minutes (0: never).")
    ] = None,
    session_idle_s: Annotated[float | None, typer.Option(help="Idle timeout of a session, in seconds.")] = None,
    session_max_s: Annotated[float | None, typer.Option(help="Absolute lifetime of a session, in seconds.")] = None,
    max_sessions: Annotated[int | None, typer.Option(help="Concurrent sessions per user; a new sign-in ends the oldest.")] = None,
    ui: Annotated[UI | None, typer.Option(help="UI variant; v3 is the client-rendered app (sandbox).")] = None,
    rate_limit: Annotated[
        int | None, typer.Option(help="Requests per user per minute over pages and API; 0: no limit (sandbox).")
    ] = None,
    auth: Annotated[
        Auth | None, typer.Option(help="cookie, or token: sign-in on an identity server, bearer API; implies --ui v3 (sandbox).")
    ] = None,
    token_ttl_s: Annotated[float | None, typer.Option(help="Access token lifetime in seconds, auth=token (sandbox).")] = None,
    session_warning_s: Annotated[
        float | None, typer.Option(help="Idle seconds in a window before its session-timeout warning (clearinghouse).")
    ] = None,
    session_warning_grace_s: Annotated[
        float | None, typer.Option(help="Seconds to answer the warning with OK before the session ends (clearinghouse).")
    ] = None,
) -> None:
    """Serve the portal until interrupted; prints its URL as the first line (with --auth token,
    the identity server's URL as the second)."""
    from pydantic import ValidationError

    from rpa.sandbox.client import announced
    from rpa.sandbox.portals import portal_kind
    from rpa.sandbox.server import SandboxServer

    kind = portal_kind(portal.value)
    try:
        settings = kind.settings_type.from_env(
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
            rate_limit=rate_limit,
            auth=auth.value if auth else None,
            token_ttl_s=token_ttl_s,
            session_warning_s=session_warning_s,
            session_warning_grace_s=session_warning_grace_s,
        )
    except ValidationError as invalid:
        problem = invalid.errors()[0]
        if not problem["loc"]:  # a rule between settings, e.g. --auth token with --ui v1
            raise typer.BadParameter(problem["msg"].removeprefix("Value error, ")) from None
        option = "--" + str(problem["loc"][0]).replace("_", "-")
        if problem["type"] == "extra_forbidden":
            raise typer.BadParameter(f"{option} is not a setting of the {kind.name} portal") from None
        raise typer.BadParameter(f"{problem['msg']} ({option})") from None
    server = SandboxServer(seed, members, claims, host=host, port=port, settings=settings, portal=kind.name)
    url = server.bind()
    with announced(url, kind.name) as state_file:
        typer.echo(url)
        if server.identity_url:  # the second line: where auth=token signs in
            typer.echo(server.identity_url)
        typer.echo(
            f"{kind.title} at {url} (seed {seed}); sign-in details: rpa sandbox users --portal {kind.name}. State: {state_file}",
            err=True,
        )
        if server.identity_url:
            typer.echo(f"Identity server (token sign-in) at {server.identity_url}", err=True)
        server.serve_forever()


@app.command()
def users(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for programs.")] = False,
    portal: Portal = PortalName.sandbox,
    seed: Seed = 7,
) -> None:
    """The seeded users with their passwords, TOTP secrets and (clearinghouse) security answers;
    a sandbox has no secrets worth keeping."""
    import pyotp
    from rich.console import Console
    from rich.table import Table

    from rpa.sandbox.portals import portal_kind

    kind = portal_kind(portal.value)
    seeded = [user.as_dict() for user in kind.seeded_users(seed)]
    if as_json:
        typer.echo(json.dumps(seeded, indent=2))
        return
    columns = {"username": "Username", "password": "Password", "totp_secret": "TOTP secret"}
    if any("security_answer" in user for user in seeded):
        columns["security_answer"] = "Security answer"
    table = Table(title=f"{kind.title} users (seed {seed})")
    for heading in (*columns.values(), "Current code"):
        table.add_column(heading, overflow="fold")
    for user in seeded:
        table.add_row(*(user[key] for key in columns), pyotp.TOTP(user["totp_secret"]).now())
    Console().print(table)


@app.command()
def truth(
    format: Annotated[TruthFormat, typer.Option("--format", help="JSON lines, or one JSON array.")] = TruthFormat.jsonl,
    portal: Portal = PortalName.sandbox,
    seed: Seed = 7,
    members: Members = None,
    claims: Claims = None,
    date: Annotated[str | None, typer.Option(help="Date of service for eligibility (default today).")] = None,
    service_type: Annotated[str, typer.Option(help="Service type code for eligibility.")] = "30",
    output: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
) -> None:
    """The answer a correct lookup returns for every claim, then every member."""
    from rpa.sandbox.portals import portal_kind
    from rpa.sandbox.search import parse_date
    from rpa.sandbox.truth import write_truth

    kind = portal_kind(portal.value)
    try:
        on_date = parse_date(date) if date else None
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD or MM/DD/YYYY", param_hint="--date") from None
    if service_type not in kind.service_types:
        raise typer.BadParameter(f"one of {', '.join(kind.service_types)}", param_hint="--service-type")
    data = kind.generate(seed, kind.members if members is None else members, kind.claims if claims is None else claims)
    records = kind.truth_records(data, on_date=on_date, service_type=service_type)
    if output is None:
        write_truth(records, sys.stdout, format.value)
        return
    with output.open("w") as stream:
        write_truth(records, stream, format.value)


@app.command()
def unlock(
    username: Annotated[str, typer.Argument(help="The locked user.")],
    portal: Portal = PortalName.sandbox,
    url: Annotated[
        str | None,
        typer.Option(help="The portal's URL (default: $RPA_SANDBOX_URL or $RPA_CLEARINGHOUSE_URL, else the running one)."),
    ] = None,
) -> None:
    """Unlock a user locked out after failed sign-ins (or security answers), on a running portal."""
    import httpx

    from rpa.sandbox.client import SandboxAdmin, running_sandbox_url

    target = running_sandbox_url(url, portal.value)
    if target is None:
        hint = "" if portal is PortalName.sandbox else f" --portal {portal.value}"
        typer.echo(f"No running sandbox found: start one with `rpa sandbox serve{hint}`, or pass --url.", err=True)
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
