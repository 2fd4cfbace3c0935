"""Structured logging: JSON lines in the run folder, PHI masked, secrets never written.

Events are short snake_case names with fields; `run_id`, `payer`, `item` and `attempt` are
bound as context variables by the engine, so every line says where it came from. Two processors
run before any renderer: secrets (known values and secret-looking keys) are redacted, and PHI is
masked unless the run explicitly opted out with `--phi-in-logs` (recorded in the manifest).
"""

from __future__ import annotations

import json
import re
import sys
import threading
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import structlog

from rpa.core.files import open_private

SECRET_KEYS = re.compile(r"(password|passwd|secret|totp|token|cookie|otp|authorization|storage_state)", re.I)
MEMBER_KEYS = {"member_id", "subscriber_id", "memberid"}
NAME_KEYS = {"patient_name", "patient_first_name", "patient_last_name", "first_name", "last_name", "name", "pcp_name"}
DOB_KEYS = {"patient_dob", "date_of_birth", "dob"}
REDACTED = "[redacted]"


class SecretRegistry:
    """Secret values known at run time (passwords, TOTP secrets and codes, cookie values)."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        with self._lock:
            self._values.update(value for value in values if value and len(value) >= 4)

    def values(self) -> list[str]:
        with self._lock:
            return sorted(self._values, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for value in self.values():
            if value in text:
                text = text.replace(value, REDACTED)
        return text

    def scrub_bytes(self, data: bytes) -> bytes:
        for value in self.values():
            encoded = value.encode()
            if encoded in data:
                data = data.replace(encoded, REDACTED.encode())
        return data


SECRETS = SecretRegistry()

# The PHI of the work item being processed, so free text (an error quoting the page) is masked too.
_ITEM_PHI: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("item_phi", default=())


def bind_phi(**values: str | None) -> None:
    """Declare the current item's PHI (member_id=..., name=..., dob=...) for masking in free text."""
    pairs = []
    for kind, value in values.items():
        if value and len(str(value)) >= 3:
            text = str(value)
            masked = mask_member_id(text) if kind == "member_id" else "[dob]" if kind.startswith("dob") else initials(text)
            pairs.append((text, masked))
    _ITEM_PHI.set(tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)))


def clear_phi() -> None:
    _ITEM_PHI.set(())


def mask_member_id(value: str) -> str:
    text = str(value)
    return "*" * max(0, len(text) - 4) + text[-4:]


def initials(value: str) -> str:
    parts = re.split(r"[\s,]+", str(value).strip())
    return "".join(part[0].upper() + "." for part in parts if part)


def mask_phi(value: Any, key: str | None = None) -> Any:
    """Member IDs to their last 4 characters, names to initials, dates of birth removed;
    the current item's PHI is masked inside free text too."""
    if isinstance(value, dict):
        return {k: mask_phi(v, k) for k, v in value.items() if str(k).lower() not in DOB_KEYS}
    if isinstance(value, (list, tuple)):
        return [mask_phi(item, key) for item in value]
    if value is None:
        return value
    lowered = (key or "").lower()
    if lowered in MEMBER_KEYS:
        return mask_member_id(value)
    if lowered in NAME_KEYS:
        return initials(value)
    if isinstance(value, str):
        for text, masked in _ITEM_PHI.get():
            if text in value:
                value = value.replace(text, masked)
    return value


def redact_secrets(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if SECRET_KEYS.search(str(k)) else redact_secrets(v, k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_secrets(item, key) for item in value]
    if isinstance(value, str):
        return SECRETS.scrub(value)
    return value


def _redact_processor(_logger, _method, event_dict):
    return redact_secrets(event_dict)


def _phi_processor(_logger, _method, event_dict):
    return mask_phi(event_dict)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    return repr(value)


class _JsonLinesWriter:
    """Writes each event to the run's log file (flushed per line) and, optionally, the console."""

    def __init__(self, handle: TextIO | None, console: TextIO | None):
        self._handle = handle
        self._console = console
        self._lock = threading.Lock()

    def msg(self, message: str) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.write(message + "\n")
                self._handle.flush()
            if self._console is not None:
                event = json.loads(message)
                fields = " ".join(f"{k}={v}" for k, v in event.items() if k not in ("event", "timestamp", "level"))
                self._console.write(f"{event.get('level', 'info'):7} {event.get('event')} {fields}\n")

    log = debug = info = warning = warn = error = critical = exception = msg


class _Factory:
    def __init__(self, writer: _JsonLinesWriter):
        self._writer = writer

    def __call__(self, *args: Any) -> _JsonLinesWriter:
        return self._writer


_current_handle: TextIO | None = None


def configure_logging(log_path: Path | None, *, phi_in_logs: bool = False, verbose: bool = False) -> None:
    """Send events to `log_path` as JSON lines (and to stderr when verbose)."""
    global _current_handle
    close_logging()
    handle = open_private(log_path, "a") if log_path else None
    _current_handle = handle
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _redact_processor,
    ]
    if not phi_in_logs:
        processors.append(_phi_processor)
    processors.append(structlog.processors.JSONRenderer(default=_json_default))
    structlog.configure(
        processors=processors,
        logger_factory=_Factory(_JsonLinesWriter(handle, sys.stderr if verbose else None)),
        cache_logger_on_first_use=False,
    )


def close_logging() -> None:
    global _current_handle
    if _current_handle is not None:
        _current_handle.close()
        _current_handle = None
    structlog.configure(
        processors=[structlog.processors.JSONRenderer()],
        logger_factory=_Factory(_JsonLinesWriter(None, None)),
        cache_logger_on_first_use=False,
    )


def bind(**values: Any) -> None:
    structlog.contextvars.bind_contextvars(**values)


def unbind(*names: str) -> None:
    structlog.contextvars.unbind_contextvars(*names)


def get_logger() -> Any:
    return structlog.get_logger()
