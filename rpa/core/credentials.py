"""Where a portal's credential comes from, and how it is kept out of every output.

A credential belongs to a portal (one sign-in for every payer the portal serves): a username
and named secret fields: `password`, and whatever else the portal's sign-in asks for
(`totp_secret`, `security_answer`, ...; each flow declares its fields). Sources, first match wins:

- environment variables `RPA_<PORTAL>_USERNAME` and `RPA_<PORTAL>_<FIELD>` (e.g.
  `RPA_CLEARINGHOUSE_SECURITY_ANSWER`);
- the OS keyring (`rpa credentials set PORTAL`), one JSON entry per portal;
- a secrets file (`$RPA_SECRETS_FILE`, default `~/.config/rpa/secrets.yaml`) that is refused
  unless only its owner can read it: `portals: {clearinghouse: {username: ..., password: ...}}`.

Never from worklists, selector maps or the command line. Every secret value is scrubbed from
logs and evidence like a password.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import SecretStr

from rpa.core.errors import ConfigError

KEYRING_SERVICE = "rpa-payer-portals"
PASSWORD = "password"
TOTP_SECRET = "totp_secret"
STANDARD_FIELDS = (PASSWORD, TOTP_SECRET)


@dataclass(frozen=True)
class Credential:
    portal: str
    username: str
    secrets: dict[str, SecretStr] = field(repr=False)
    source: str = "environment"

    @property
    def key(self) -> str:
        """A stable, non-identifying name for this credential's stored sessions and logs."""
        return hashlib.sha256(f"{self.portal}\0{self.username}".encode()).hexdigest()[:12]

    @property
    def label(self) -> str:
        """How a person is told which credential to fix (username, never a secret)."""
        return f"{self.portal}/{self.username} (from {self.source})"

    @property
    def password(self) -> str:
        return self.secret(PASSWORD) or ""

    def secret(self, name: str) -> str | None:
        """The value of a secret field, or None when this credential has none."""
        value = self.secrets.get(name)
        return value.get_secret_value() if value is not None and value.get_secret_value() else None

    def has(self, name: str) -> bool:
        return name == "username" or self.secret(name) is not None

    def secret_values(self) -> list[str]:
        return [value.get_secret_value() for value in self.secrets.values() if value.get_secret_value()]


def find_credential(portal: str, fields: tuple[str, ...] = STANDARD_FIELDS) -> Credential | None:
    """The configured credential for a portal, or None when none is configured anywhere.

    `fields` are the secret fields the portal's flow declares; other environment variables are
    not read, so a typo in a name does not silently become a secret.
    """
    return _from_environment(portal, fields) or _from_keyring(portal) or _from_secrets_file(portal)


def env_name(portal: str, field_name: str) -> str:
    """`RPA_CLEARINGHOUSE_SECURITY_ANSWER` for (`clearinghouse`, `security_answer`)."""
    return f"RPA_{portal.upper().replace('-', '_')}_{field_name.upper()}"


def store_in_keyring(portal: str, username: str, secrets: dict[str, str | None]) -> None:
    keyring = _keyring()
    if keyring is None:
        names = ", ".join(env_name(portal, name) for name in ("username", *secrets))
        raise ConfigError(
            f"no OS keyring is available on this machine; use environment variables ({names}) or an owner-only secrets file"
        )
    payload = json.dumps({"username": username, **{name: value for name, value in secrets.items() if value}})
    keyring.set_password(KEYRING_SERVICE, portal, payload)


def delete_from_keyring(portal: str) -> bool:
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        keyring.delete_password(KEYRING_SERVICE, portal)
    except Exception:  # keyring raises PasswordDeleteError when there is nothing to delete
        return False
    return True


def secrets_file_path() -> Path:
    return Path(os.environ.get("RPA_SECRETS_FILE") or Path.home() / ".config" / "rpa" / "secrets.yaml")


def _from_environment(portal: str, fields: tuple[str, ...]) -> Credential | None:
    username = os.environ.get(env_name(portal, "username"))
    password = os.environ.get(env_name(portal, PASSWORD))
    if not username and not password:
        return None
    if not username or not password:
        missing = env_name(portal, "username" if not username else PASSWORD)
        raise ConfigError(f"{missing} is not set (the other half of the credential is)")
    secrets = {name: os.environ.get(env_name(portal, name)) for name in dict.fromkeys((PASSWORD, *fields))}
    return _credential(portal, username, secrets, "environment")


def _from_keyring(portal: str) -> Credential | None:
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        payload = keyring.get_password(KEYRING_SERVICE, portal)
    except Exception:  # a locked or broken backend is the same as no keyring here
        return None
    if not payload:
        return None
    data = json.loads(payload)
    return _credential(portal, data.pop("username"), data, "keyring")


def _from_secrets_file(portal: str) -> Credential | None:
    path = secrets_file_path()
    if not path.is_file():
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"refusing to read {path}: it is readable by others (mode {mode:o}); run chmod 600 {path}")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {error}") from None
    entries = (data.get("portals") or data.get("payers") or data) if isinstance(data, dict) else {}
    entry = entries.get(portal) if isinstance(entries, dict) else None
    if not entry:
        return None
    if not isinstance(entry, dict) or not entry.get("username") or not entry.get(PASSWORD):
        raise ConfigError(f"{path}: portal {portal!r} needs 'username' and 'password'")
    secrets = {str(name): value for name, value in entry.items() if name != "username"}
    return _credential(portal, str(entry["username"]), secrets, "secrets file")


def _credential(portal: str, username: str, secrets: dict[str, Any], source: str) -> Credential:
    kept = {name: SecretStr(str(value)) for name, value in secrets.items() if value not in (None, "")}
    return Credential(portal, username, kept, source)


def _keyring():
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    if isinstance(keyring.get_keyring(), fail.Keyring):
        return None
    return keyring
