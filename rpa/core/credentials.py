"""Where a payer's credentials come from, and how they are kept out of every output.

Sources, first match wins: environment variables (`RPA_<PAYER>_USERNAME`, `_PASSWORD`,
`_TOTP_SECRET`), the OS keyring (`rpa credentials set PAYER`), and a secrets file
(`$RPA_SECRETS_FILE`, default `~/.config/rpa/secrets.yaml`) that is refused unless only its
owner can read it. Never from worklists, selector maps or the command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import SecretStr

from rpa.core.errors import ConfigError

KEYRING_SERVICE = "rpa-payer-portals"


@dataclass(frozen=True)
class Credential:
    payer: str
    username: str
    password: SecretStr = field(repr=False)
    totp_secret: SecretStr | None = field(default=None, repr=False)
    source: str = "environment"

    @property
    def key(self) -> str:
        """A stable, non-identifying name for this credential's stored sessions and logs."""
        return hashlib.sha256(f"{self.payer}\0{self.username}".encode()).hexdigest()[:12]

    @property
    def label(self) -> str:
        """How a person is told which credential to fix (username, never the password)."""
        return f"{self.payer}/{self.username} (from {self.source})"

    def secret_values(self) -> list[str]:
        values = [self.password.get_secret_value()]
        if self.totp_secret:
            values.append(self.totp_secret.get_secret_value())
        return [value for value in values if value]


def find_credential(payer: str) -> Credential | None:
    """The configured credential for a payer, or None when none is configured anywhere."""
    return _from_environment(payer) or _from_keyring(payer) or _from_secrets_file(payer)


def store_in_keyring(payer: str, username: str, password: str, totp_secret: str | None) -> None:
    keyring = _keyring()
    if keyring is None:
        raise ConfigError(
            "no OS keyring is available on this machine; use environment variables "
            f"RPA_{_env_name(payer)}_USERNAME/_PASSWORD/_TOTP_SECRET or an owner-only secrets file"
        )
    payload = json.dumps({"username": username, "password": password, "totp_secret": totp_secret})
    keyring.set_password(KEYRING_SERVICE, payer, payload)


def delete_from_keyring(payer: str) -> bool:
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        keyring.delete_password(KEYRING_SERVICE, payer)
    except Exception:  # keyring raises PasswordDeleteError when there is nothing to delete
        return False
    return True


def secrets_file_path() -> Path:
    return Path(os.environ.get("RPA_SECRETS_FILE") or Path.home() / ".config" / "rpa" / "secrets.yaml")


def _env_name(payer: str) -> str:
    return payer.upper().replace("-", "_")


def _from_environment(payer: str) -> Credential | None:
    prefix = f"RPA_{_env_name(payer)}_"
    username = os.environ.get(prefix + "USERNAME")
    password = os.environ.get(prefix + "PASSWORD")
    if not username and not password:
        return None
    if not username or not password:
        missing = "USERNAME" if not username else "PASSWORD"
        raise ConfigError(f"{prefix}{missing} is not set (the other half of the credential is)")
    totp = os.environ.get(prefix + "TOTP_SECRET")
    return Credential(payer, username, SecretStr(password), SecretStr(totp) if totp else None, "environment")


def _from_keyring(payer: str) -> Credential | None:
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        payload = keyring.get_password(KEYRING_SERVICE, payer)
    except Exception:  # a locked or broken backend is the same as no keyring here
        return None
    if not payload:
        return None
    data = json.loads(payload)
    totp = data.get("totp_secret")
    return Credential(payer, data["username"], SecretStr(data["password"]), SecretStr(totp) if totp else None, "keyring")


def _from_secrets_file(payer: str) -> Credential | None:
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
    entry = (data.get("payers") or data).get(payer) if isinstance(data, dict) else None
    if not entry:
        return None
    if not isinstance(entry, dict) or not entry.get("username") or not entry.get("password"):
        raise ConfigError(f"{path}: payer {payer!r} needs 'username' and 'password'")
    totp = entry.get("totp_secret")
    return Credential(
        payer, str(entry["username"]), SecretStr(str(entry["password"])), SecretStr(str(totp)) if totp else None, "secrets file"
    )


def _keyring():
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    if isinstance(keyring.get_keyring(), fail.Keyring):
        return None
    return keyring
