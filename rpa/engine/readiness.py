"""`rpa payers check`: is each portal ready for tonight's run, without signing in.

A deployment wants to know before the overnight job whether a portal's flow loads, its
selector and wording maps are valid, its credential has every field its sign-in asks for, the
portal answers, and the credential has
not been refused before. Signing in would answer more, but every sign-in counts against the
account's lockout limit and may end a colleague's session, so the check never signs in: it
reads the configuration and the state folder and sends one unauthenticated GET to the portal.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from rpa.core.credentials import Credential, env_name
from rpa.core.errors import ConfigError
from rpa.core.settings import Settings
from rpa.engine.sessions import SessionStateStore, read_refusal, refusal_marker
from rpa.payers.registry import discover, get_portal, selector_map_for, wording_maps_for
from rpa.payers.setup import missing_fields, no_credentials_fix, no_url_fix, portal_credential, portal_url

PORTAL_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str
    fix: str | None = None


@dataclass
class PortalReadiness:
    portal: str
    payers: list[str]
    findings: list[Finding] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(finding.ok for finding in self.findings)

    def add(self, check: str, ok: bool, detail: str, fix: str | None = None) -> None:
        self.findings.append(Finding(check, ok, detail, fix))

    def as_dict(self) -> dict:
        return {"portal": self.portal, "payers": self.payers, "ready": self.ready, "findings": [asdict(f) for f in self.findings]}


def check_readiness(ids: list[str], settings: Settings, *, sign_in: bool = False) -> list[PortalReadiness]:
    """Readiness of the portals serving the named payers or portals (every portal when none is
    named); with `sign_in`, each ready portal's declared test cases run too (one sign-in)."""
    portals = list(dict.fromkeys(get_portal(identifier).portal_id for identifier in ids)) if ids else sorted(discover().portals)
    checked = [check_portal(portal_id, settings) for portal_id in portals]
    if sign_in:
        for readiness in checked:
            check_pages(readiness, settings)
    return checked


def check_pages(readiness: PortalReadiness, settings: Settings) -> None:
    """Sign in once and run the flow's declared test cases, so a portal whose pages changed is
    caught before the overnight run rather than during it."""
    if not readiness.ready:
        readiness.add("pages", False, "not checked: the problems above come first")
        return
    from rpa.core.errors import InputError
    from rpa.engine.jobs import run_test_cases
    from rpa.runs.manifest import StopKind

    try:
        results, summaries = run_test_cases(readiness.portal, settings=settings)
    except (ConfigError, InputError) as error:
        readiness.add("pages", False, error.message, "fix the flow's test cases (cases.yaml)")
        return
    runs = ", ".join(str(summary.run_dir) for summary in summaries)
    signing_in = {StopKind.AUTHENTICATION, StopKind.NEEDS_HUMAN, StopKind.SIGN_IN_STORM}
    for stop in (stop for summary in summaries for stop in summary.stopped):
        readiness.add("sign-in" if stop.kind in signing_in else "pages", False, stop.message, stop.fix)
    failed = [result for result in results if not result.passed]
    if failed:
        first = "; ".join(f"{result.case.name}: {', '.join(result.differences[:2])}" for result in failed[:3])
        readiness.add("test cases", False, f"{len(failed)} of {len(results)} differ: {first}", f"see {runs}")
    else:
        readiness.add("test cases", True, f"all {len(results)} answered as declared (recorded in {runs})")


def check_portal(portal_id: str, settings: Settings) -> PortalReadiness:
    flow_type = get_portal(portal_id)  # an unknown id is a usage error naming the known ones
    readiness = PortalReadiness(portal_id, [payer.id for payer in flow_type.payer_list()])
    try:
        selectors = selector_map_for(flow_type)
        wording_maps_for(flow_type)
        readiness.add("selector map", True, f"{flow_type.selector_map_path()} ({len(selectors.elements)} elements)")
    except ConfigError as error:
        readiness.add("selector map", False, error.message, "fix the file named above")

    base_url = None
    try:
        base_url = portal_url(flow_type, settings.portal(portal_id, flow_type.limits))
    except ConfigError as error:
        readiness.add("portal", False, error.message, "fix the setting named above")
    except Exception as error:  # a local portal that failed to start
        readiness.add("portal", False, f"could not start the portal: {error}")
    else:
        if base_url:
            _check_portal(readiness, base_url)
        else:
            readiness.add("portal", False, "no URL configured", no_url_fix(portal_id))

    credential = portal_credential(flow_type, base_url)
    if credential is None:
        readiness.add("credentials", False, "none configured", no_credentials_fix(flow_type))
        return readiness
    missing = missing_fields(flow_type, credential)
    if missing:
        names = ", ".join(env_name(portal_id, name) for name in missing)
        readiness.add(
            "credentials",
            False,
            f"{credential.label} lacks {', '.join(missing)}",
            f"set {names} (or rpa credentials set {portal_id})",
        )
    else:
        readiness.add("credentials", True, f"{credential.label} with {', '.join(flow_type.credential_fields)}")
    _check_refusal(readiness, credential, settings.state_dir)
    stored = SessionStateStore(settings.state_dir).stored_slots(portal_id, credential.key)
    kept = f"{stored} signed-in session(s) kept for reuse" if stored else "none (the next run signs in)"
    readiness.add("stored sessions", True, kept)
    return readiness


def _check_portal(readiness: PortalReadiness, base_url: str) -> None:
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


def _check_refusal(readiness: PortalReadiness, credential: Credential, state_dir: Path) -> None:
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
        f"rpa credentials reset {credential.portal}",
    )
