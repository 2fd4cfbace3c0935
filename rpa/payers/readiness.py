"""`rpa payers check`: is each payer ready for tonight's run, without signing in.

A deployment wants to know before the overnight job whether a payer's flow loads, its
selector map is valid, credentials are configured, the portal answers, and the credential has
not been refused before. Signing in would answer more, but every sign-in counts against the
account's lockout limit and may end a colleague's session, so the check never signs in: it
reads the configuration and the state folder and sends one unauthenticated GET to the portal.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from rpa.core.credentials import Credential
from rpa.core.errors import ConfigError
from rpa.payers.setup import no_credentials_fix, no_url_fix, payer_credential, portal_url
from rpa.payers.registry import discover, get_payer, selector_map_for
from rpa.engine.sessions import SessionStateStore, read_refusal, refusal_marker
from rpa.core.settings import Settings

PORTAL_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str
    fix: str | None = None


@dataclass
class PayerReadiness:
    payer: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(finding.ok for finding in self.findings)

    def add(self, check: str, ok: bool, detail: str, fix: str | None = None) -> None:
        self.findings.append(Finding(check, ok, detail, fix))

    def as_dict(self) -> dict:
        return {"payer": self.payer, "ready": self.ready, "findings": [asdict(f) for f in self.findings]}


def check_payers(payer_ids: list[str], settings: Settings) -> list[PayerReadiness]:
    """Readiness of the named payers (every known payer when none is named)."""
    wanted = payer_ids or sorted(discover())
    return [check_payer(payer_id, settings) for payer_id in wanted]


def check_payer(payer_id: str, settings: Settings) -> PayerReadiness:
    readiness = PayerReadiness(payer_id)
    flow_type = get_payer(payer_id)  # an unknown id is a usage error naming the known ones
    try:
        selectors = selector_map_for(flow_type)
        readiness.add("selector map", True, f"{flow_type.selector_map_path()} ({len(selectors.elements)} elements)")
    except ConfigError as error:
        readiness.add("selector map", False, error.message, "fix the selector map named above")

    base_url = None
    try:
        base_url = portal_url(flow_type, settings.payer(payer_id))
    except Exception as error:  # a local portal that failed to start
        readiness.add("portal", False, f"could not start the portal: {error}")
    else:
        if base_url:
            _check_portal(readiness, base_url)
        else:
            readiness.add("portal", False, "no URL configured", no_url_fix(payer_id))

    credential = payer_credential(flow_type, base_url)
    if credential is None:
        readiness.add("credentials", False, "none configured", no_credentials_fix(payer_id))
        return readiness
    readiness.add("credentials", True, credential.label)
    _check_refusal(readiness, credential, settings.state_dir)
    stored = SessionStateStore(settings.state_dir).stored_slots(payer_id, credential.key)
    kept = f"{stored} signed-in session(s) kept for reuse" if stored else "none (the next run signs in)"
    readiness.add("stored sessions", True, kept)
    return readiness


def _check_portal(readiness: PayerReadiness, base_url: str) -> None:
    started = time.perf_counter()
    try:
        response = httpx.get(base_url, timeout=PORTAL_TIMEOUT_S, follow_redirects=True)
    except httpx.HTTPError as error:
        detail = f"{base_url} did not answer: {type(error).__name__}: {error}"
        readiness.add("portal", False, detail, "check the URL and the network")
        return
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    if response.status_code >= 400:
        readiness.add(
            "portal",
            False,
            f"{base_url} answered HTTP {response.status_code} in {elapsed_ms} ms (down or in maintenance)",
            "try again later; a run now would stop with exit code 3",
        )
    else:
        readiness.add("portal", True, f"{base_url} answered HTTP {response.status_code} in {elapsed_ms} ms")


def _check_refusal(readiness: PayerReadiness, credential: Credential, state_dir: Path) -> None:
    try:
        refused = read_refusal(refusal_marker(state_dir, credential))
        detail = f"refused on {refused.when}: {refused.message}; runs will not try it again" if refused else None
    except (OSError, ValueError, KeyError):
        detail = "refused in an earlier run; runs will not try it again"
    if detail is None:
        readiness.add("password", True, "not refused by the portal in an earlier run")
        return
    readiness.add(
        "password",
        False,
        detail,
        "update the credential (a changed password is tried again), or once the account is fixed: "
        f"rpa credentials reset {credential.payer}",
    )
