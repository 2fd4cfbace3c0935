"""Signing in as declared steps: the `sign_in:` section of a portal's selector map.

Portals sign in every which way: username and password on one page or two, "choose how to get
your code", a one-time code, security questions on a device they do not know, terms to accept
once, remember-this-device. A flow declares the steps; this runs them in whatever order the
portal shows them (a remembered device skips the code, terms appear once):

    sign_in:
      start: /login                       # where sign-in begins
      signed_in: home.signed_in           # the element that proves it worked
      steps:
        - name: password                  # said in messages: "the portal refused the password"
          page: login.password            # the element that shows this step is due
          fill: {login.password: password}  # element -> username | totp | a credential field
          check: [login.remember]         # checkboxes to tick (optional)
          click: [mfa.by_app]             # radio buttons or links to click first (optional)
          submit: login.submit
          refused: login.error            # shown when the portal refused what was sent

A refused one-time code is tried once more with the next window's code, as a person would; any
other refusal is an authentication error (never retried: a retry can lock the account). A step
whose credential field is not configured needs a person, who is told which variable to set.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rpa.core.credentials import TOTP_SECRET, env_name
from rpa.core.errors import AuthenticationError, ConfigError, NeedsHuman

if TYPE_CHECKING:
    from rpa.core.credentials import Credential
    from rpa.portal.page import PortalPage
    from rpa.portal.selectors import SelectorMap
    from rpa.portal.totp import TotpSource

USERNAME = "username"
TOTP = "totp"
IGNORED_ALARMS = ("state.signed_out", "state.session_expired")
MAX_STEPS = 12
STEP_KEYS = {"name", "page", "fill", "check", "click", "submit", "refused"}


@dataclass(frozen=True)
class SignInStep:
    name: str
    page: str
    fill: tuple[tuple[str, str], ...]
    check: tuple[str, ...]
    click: tuple[str, ...]
    submit: str
    refused: str | None

    @property
    def sends_code(self) -> bool:
        return any(source == TOTP for _, source in self.fill)


@dataclass(frozen=True)
class SignInPlan:
    start: str
    signed_in: str
    steps: tuple[SignInStep, ...]

    @property
    def fields(self) -> set[str]:
        """The credential's secret fields the steps send (`totp` needs the TOTP secret)."""
        used = {source for step in self.steps for _, source in step.fill} - {USERNAME}
        return {TOTP_SECRET if source == TOTP else source for source in used}

    @property
    def elements(self) -> set[str]:
        names = {self.signed_in}
        for step in self.steps:
            names |= {step.page, step.submit, *step.check, *step.click, *(element for element, _ in step.fill)}
            if step.refused:
                names.add(step.refused)
        return names


def parse_sign_in(selectors: SelectorMap) -> SignInPlan | None:
    """The map's `sign_in` section, validated (every element must be in the map)."""
    section = selectors.sign_in
    if section is None:
        return None
    where = f"{selectors.path}: sign_in"
    if not isinstance(section.get("start"), str) or not isinstance(section.get("signed_in"), str):
        raise ConfigError(f"{where}: needs start (a path) and signed_in (an element)")
    raw_steps = section.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ConfigError(f"{where}: steps must be a non-empty list")
    steps = tuple(_step(f"{where}.steps[{index}]", raw) for index, raw in enumerate(raw_steps))
    plan = SignInPlan(section["start"], section["signed_in"], steps)
    missing = sorted(plan.elements - set(selectors.elements))
    if missing:
        raise ConfigError(f"{where}: element(s) {', '.join(missing)} are not in the elements section")
    return plan


async def run_sign_in(plan: SignInPlan, portal: PortalPage, credential: Credential, totp: TotpSource | None) -> None:
    """Sign in through the declared steps; raise AuthenticationError or NeedsHuman when it fails."""
    pages = list(dict.fromkeys(step.page for step in plan.steps))
    by_page = {step.page: step for step in plan.steps}
    reached = await portal.goto(plan.start, expect=[plan.signed_in, *pages], ignore=IGNORED_ALARMS)
    answered: Counter[str] = Counter()
    for _ in range(MAX_STEPS):
        if reached == plan.signed_in:
            return
        step = by_page[reached]
        answered[step.name] += 1
        if answered[step.name] > (2 if step.sends_code else 1):
            raise AuthenticationError(f"the portal asked for the {step.name} again after it was answered")
        for element, source in step.fill:
            await portal.fill(element, await _value(source, credential, totp, step))
        for element in step.click:
            await portal.click(element)
        for element in step.check:
            await portal.check(element)
        refused = [step.refused] if step.refused else []
        await portal.click(step.submit)
        await portal.wait_for_change(step.page, [plan.signed_in, *refused], ignore=IGNORED_ALARMS)
        reached = await portal.wait_for_first([*refused, plan.signed_in, *pages], ignore=IGNORED_ALARMS)
        if reached == step.refused and await portal.is_visible(step.page):
            message = await portal.text(step.refused)
            if step.sends_code and answered[step.name] == 1:
                reached = step.page  # a code can be refused for being a window late: one more
                continue
            raise AuthenticationError(f"the portal refused the {step.name}: {message}")
        if reached == step.refused:  # an alert on the next step's page is not this step's refusal
            reached = await portal.wait_for_first([plan.signed_in, *pages], ignore=IGNORED_ALARMS)
    raise AuthenticationError(f"sign-in did not finish after {MAX_STEPS} steps")


async def _value(source: str, credential: Credential, totp: TotpSource | None, step: SignInStep) -> str:
    if source == USERNAME:
        return credential.username
    if source == TOTP:
        if totp is None:
            raise _missing(credential, TOTP_SECRET, step)
        return await totp.fresh_code()
    value = credential.secret(source)
    if value is None:
        raise _missing(credential, source, step)
    return value


def _missing(credential: Credential, field_name: str, step: SignInStep) -> NeedsHuman:
    variable = env_name(credential.portal, field_name)
    said = "TOTP secret" if field_name == TOTP_SECRET else field_name.replace("_", " ")
    return NeedsHuman(
        f"the portal asks for the {step.name} and no {said} is configured for {credential.label}",
        stops_credential=True,
        fix=f"set {variable} (or rpa credentials set {credential.portal}), then rpa run --resume RUN",
    )


def _step(where: str, raw: Any) -> SignInStep:
    if not isinstance(raw, dict) or set(raw) - STEP_KEYS:
        raise ConfigError(f"{where}: a step takes {', '.join(sorted(STEP_KEYS))}")
    for key in ("name", "page", "submit"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"{where}: {key} is required (text)")
    fill = raw.get("fill") or {}
    if not isinstance(fill, dict) or not all(isinstance(v, str) for v in fill.values()):
        raise ConfigError(f"{where}: fill maps elements to username, totp or a credential field name")
    lists = {}
    for key in ("check", "click"):
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}: {key} is a list of elements")
        lists[key] = tuple(value)
    refused = raw.get("refused")
    if refused is not None and not isinstance(refused, str):
        raise ConfigError(f"{where}: refused is an element")
    return SignInStep(raw["name"], raw["page"], tuple(fill.items()), lists["check"], lists["click"], raw["submit"], refused)
