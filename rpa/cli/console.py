"""`rpa console serve|users|audit`: the billing office's web console (docs/console.md)."""

from __future__ import annotations

import ipaddress
import json
import sys
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from rpa.cli.common import console, err_console, print_json, reports_errors
from rpa.console.audit import Action, AuditLog, command_line_user

app = typer.Typer(
    help="The web console: lookups, the follow-up queue, runs and the audit log in a browser.", no_args_is_help=True
)
users_app = typer.Typer(help="Console accounts: specialists, supervisors and admins.", no_args_is_help=True)
app.add_typer(users_app, name="users")


class RoleChoice(StrEnum):
    SPECIALIST = "specialist"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


NameArgument = Annotated[str, typer.Argument(help="The account's user name.")]


@app.command("serve")
@reports_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback unless you mean otherwise).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8400,
    https_only: Annotated[
        bool, typer.Option("--https-only", help="Send the session cookie over HTTPS only (behind a TLS proxy).")
    ] = False,
    idle_minutes: Annotated[
        float, typer.Option("--idle-minutes", min=1, help="Sign a person out after this long without activity.")
    ] = 15,
) -> None:
    """Serve the console. Sessions survive a restart only with RPA_CONSOLE_SECRET_KEY set."""
    import logging

    import uvicorn

    from rpa.console.app import SECRET_ENV, create_app, secret_key
    from rpa.core.settings import load_settings

    if not _loopback(host):
        err_console.print(
            f"[bold yellow]warning:[/] the console listens on {host}, reachable from other machines. It shows PHI: "
            "serve it only behind TLS (a reverse proxy, with --https-only) and a firewall.",
            highlight=False,
        )
    key, given = secret_key()
    if not given:
        err_console.print(f"[dim]{SECRET_ENV} is not set: everyone signs in again after a restart.[/]")
    settings = load_settings()
    application = create_app(settings, key=key, https_only=https_only, idle_minutes=idle_minutes)
    if not application.state.console.users.list():
        err_console.print("No accounts yet: rpa console users add NAME --role admin", highlight=False)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    where = f"runs: {settings.runs_dir}, state: {settings.state_dir}"
    err_console.print(f"rpa console on http://{host}:{port}  ({where})", highlight=False)
    uvicorn.run(application, host=host, port=port, access_log=False, server_header=False, log_level="warning")


@users_app.command("add")
@reports_errors
def users_add(
    name: NameArgument,
    role: Annotated[RoleChoice, typer.Option("--role", help="specialist, supervisor or admin.")],
) -> None:
    """Add an account; the password is asked for (or read from standard input when piped)."""
    users, audit = _directory()
    user = users.add(name, role.value, _password())
    audit.record(command_line_user(), Action.USER_ADD, f"user {user.name}", role=user.role.value)
    console.print(f"Added {user.name} ({user.role.value}).", highlight=False)


@users_app.command("list")
@reports_errors
def users_list(json_output: Annotated[bool, typer.Option("--json", help="Print JSON for programs.")] = False) -> None:
    """Every account with its role and state."""
    users, _ = _directory()
    accounts = users.list()
    if json_output:
        print_json([{**account.__dict__, "role": account.role.value, "locked": account.locked} for account in accounts])
        return
    table = Table(title="Console accounts")
    for column in ("name", "role", "state", "last sign-in", "created"):
        table.add_column(column)
    for account in accounts:
        state = "disabled" if not account.active else "locked" if account.locked else "active"
        table.add_row(account.name, account.role.value, state, account.last_sign_in or "", account.created_at)
    console.print(table)


@users_app.command("disable")
@reports_errors
def users_disable(name: NameArgument) -> None:
    """Disable an account: its sessions end at their next request."""
    users, audit = _directory()
    user = users.set_active(name, False)
    audit.record(command_line_user(), Action.USER_DISABLE, f"user {user.name}")
    console.print(f"{user.name} is disabled.", highlight=False)


@users_app.command("enable")
@reports_errors
def users_enable(name: NameArgument) -> None:
    """Enable a disabled account again (and lift a lockout)."""
    users, audit = _directory()
    user = users.set_active(name, True)
    audit.record(command_line_user(), Action.USER_ENABLE, f"user {user.name}")
    console.print(f"{user.name} is enabled.", highlight=False)


@users_app.command("reset-password")
@reports_errors
def users_reset_password(name: NameArgument) -> None:
    """Set a new password (asked for, or read from standard input): ends the account's sessions, lifts a lockout."""
    users, audit = _directory()
    user = users.reset_password(name, _password())
    audit.record(command_line_user(), Action.USER_RESET_PASSWORD, f"user {user.name}")
    console.print(f"New password set for {user.name}.", highlight=False)


@app.command("audit")
@reports_errors
def audit(
    since: Annotated[str | None, typer.Option("--since", help="Only entries on or after this date (YYYY-MM-DD) or time.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this account's entries.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Only this action (e.g. lookup_claim).")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object per line, oldest first.")] = False,
) -> None:
    """The audit log: who saw or looked up which patient or claim, when, and what they did."""
    database = _database()
    entries = list(reversed(AuditLog(database).entries(since=_since(since), user=user, action=action)))
    if json_output:
        for entry in entries:
            sys.stdout.write(json.dumps(entry.as_dict(), sort_keys=True) + "\n")
        return
    table = Table(title=f"Audit log ({len(entries)} entries)")
    for column in ("when (UTC)", "user", "action", "subject", "detail"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        detail = ", ".join(f"{key} {value}" for key, value in entry.detail.items() if value not in (None, "", [], {}))
        table.add_row(entry.at, entry.user, entry.action, entry.subject, detail)
    console.print(table)


# -- helpers ----------------------------------------------------------------------------------


def _database():
    from rpa.console.database import ConsoleDatabase
    from rpa.core.settings import load_settings

    return ConsoleDatabase(load_settings().state_dir)


def _directory():
    from rpa.console.users import UserDirectory

    database = _database()
    return UserDirectory(database), AuditLog(database)


def _password() -> str:
    """From a hidden prompt (typed twice) at a terminal, else the first line of standard input;
    never from the command line, where other users and the shell history would see it."""
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _since(value: str | None) -> date | datetime | None:
    from rpa.core.errors import InputError
    from rpa.core.queries import parse_date

    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else parse_date(value)
    except ValueError as error:
        raise InputError(f"--since: {error}") from None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
