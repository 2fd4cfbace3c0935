"""`rpa credentials set|delete|show PAYER`: the OS keyring, typed at a prompt, never an argument."""

from __future__ import annotations

from typing import Annotated

import typer

from rpa.cli.common import console, reports_errors

app = typer.Typer(help="Store payer credentials in the OS keyring.", no_args_is_help=True)


@app.command("set")
@reports_errors
def set_credentials(
    payer: Annotated[str, typer.Argument(help="Payer id.")],
    username: Annotated[str, typer.Option(prompt=True)],
) -> None:
    """Prompt for the password and TOTP secret (hidden) and store them in the keyring."""
    from rpa.core.credentials import store_in_keyring
    from rpa.payers.registry import get_payer

    get_payer(payer)
    password = typer.prompt("Password", hide_input=True)
    totp = typer.prompt("TOTP secret (empty if the portal has no MFA)", default="", hide_input=True, show_default=False)
    store_in_keyring(payer, username, password, totp or None)
    console.print(f"stored credentials for {payer} ({username}) in the OS keyring")


@app.command("delete")
@reports_errors
def delete_credentials(payer: Annotated[str, typer.Argument(help="Payer id.")]) -> None:
    from rpa.core.credentials import delete_from_keyring

    removed = delete_from_keyring(payer)
    console.print("deleted" if removed else "nothing stored for that payer")


@app.command("show")
@reports_errors
def show_credentials(payer: Annotated[str, typer.Argument(help="Payer id.")]) -> None:
    """Which source a payer's credential comes from, and its username (never the secrets)."""
    from rpa.core.credentials import find_credential

    credential = find_credential(payer)
    if credential is None:
        console.print(f"no credentials configured for {payer}")
        raise typer.Exit(1)
    mfa = "with TOTP secret" if credential.totp_secret else "without TOTP secret"
    console.print(f"{payer}: {credential.username} from {credential.source} ({mfa})")


@app.command("reset")
@reports_errors
def reset_credentials(payer: Annotated[str, typer.Argument(help="Payer id.")]) -> None:
    """Forget a payer's stored sessions and any remembered password refusal (after fixing the account)."""
    from rpa.engine.sessions import forget_payer_state
    from rpa.core.settings import load_settings

    removed = forget_payer_state(load_settings().state_dir, payer)
    console.print(f"forgot {removed} stored session(s) and refusal(s) for {payer}")
