"""`rpa credentials set|delete|show|reset PORTAL`: the OS keyring, typed at a prompt, never an argument.

A credential belongs to a portal (a multi-payer portal has one for all its payers); a payer's
id is accepted too and means the portal that serves it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rpa.cli.common import console, reports_errors

app = typer.Typer(
    help="Portal credentials: store them in the OS keyring, see where they come from, reset refusals.", no_args_is_help=True
)

Portal = Annotated[str, typer.Argument(help="Portal id (or the id of a payer it serves).")]


@app.command("set")
@reports_errors
def set_credentials(portal: Portal, username: Annotated[str, typer.Option(prompt=True, help="The portal username.")]) -> None:
    """Prompt (hidden) for every secret field the portal's sign-in uses and store them in the keyring."""
    from rpa.core.credentials import PASSWORD, store_in_keyring
    from rpa.payers.registry import get_portal

    flow = get_portal(portal)
    secrets: dict[str, str | None] = {}
    for name in dict.fromkeys((PASSWORD, *flow.credential_fields)):
        optional = name != PASSWORD
        label = name.replace("_", " ").capitalize() + (" (empty if the portal does not ask)" if optional else "")
        secrets[name] = typer.prompt(label, default="" if optional else None, hide_input=True, show_default=False) or None
    store_in_keyring(flow.portal_id, username, secrets)
    console.print(f"stored credentials for {flow.portal_id} ({username}) in the OS keyring")


@app.command("delete")
@reports_errors
def delete_credentials(portal: Portal) -> None:
    """Remove the portal's credential from the OS keyring."""
    from rpa.core.credentials import delete_from_keyring
    from rpa.payers.registry import get_portal

    removed = delete_from_keyring(get_portal(portal).portal_id)
    console.print("deleted" if removed else "nothing stored for that portal")


@app.command("show")
@reports_errors
def show_credentials(portal: Portal) -> None:
    """Which source a portal's credential comes from, its username and which fields it has (never the secrets)."""
    from rpa.payers.registry import get_portal
    from rpa.payers.setup import missing_fields, portal_credential_or_none

    flow = get_portal(portal)
    credential = portal_credential_or_none(flow)
    if credential is None:
        console.print(f"no credentials configured for {flow.portal_id}")
        raise typer.Exit(1)
    missing = missing_fields(flow, credential)
    lacking = f"; lacks {', '.join(missing)}" if missing else ""
    console.print(
        f"{flow.portal_id}: {credential.username} from {credential.source} (has {', '.join(sorted(credential.secrets))}{lacking})"
    )


@app.command("reset")
@reports_errors
def reset_credentials(portal: Portal) -> None:
    """Forget a portal's stored sessions and any remembered refusal (after fixing the account)."""
    from rpa.core.settings import load_settings
    from rpa.engine.sessions import forget_portal_state
    from rpa.payers.registry import get_portal

    portal_id = get_portal(portal).portal_id
    removed = forget_portal_state(load_settings().state_dir, portal_id)
    console.print(f"forgot {removed} stored session(s) and refusal(s) for {portal_id}")
