"""Selector maps: logical element names -> locator specs with ordered fallbacks, and the page's
other facts a flow should not hard-code (frames, JavaScript dialogs, sign-in steps).

A portal's UI change should be a data edit, not a code change, so every element a flow touches
is named in the flow's `selectors.yaml`:

    frames:                            # elements that live inside an <iframe> (nested: a list)
      app: {selector: "iframe[title='Claim Status']", elements: ["claims.*"]}
    dialogs:                           # how to answer JavaScript dialogs (default: dismiss)
      - {message: "session.*expire", answer: accept}
    api:                               # API mode's bearer token: the header the page's own calls carry
      token: {header: Authorization, requests: /api/, page: /claims}
    elements:
      login.username:
        - {label: "Username"}
        - {css: "#username"}
      results.claim:                   # a parameter, filled in by the flow
        - {role: link, name: "{claim_number}", exact: true}
      results.provider:
        - {role: option, name: "/NPI\\s*{npi}/"}     # /.../ is a regular expression
      claim.status:                    # what the page shows only in an attribute
        - {css: "status-badge", attribute: aria-label}

Specs are tried in order; the first that matches an element wins. Every ARIA role Playwright
accepts can be named. A map is validated when it is loaded, and a problem names the file, the
key and what is wrong; the `sign_in` section is validated by the sign-in runner that reads it.
"""

from __future__ import annotations

import fnmatch
import re
import string
import typing
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rpa.core.errors import ConfigError

KINDS = ("role", "label", "test_id", "text", "placeholder", "alt", "title", "css")
MODIFIERS = {
    "role": {"name", "exact"},
    "label": {"exact"},
    "text": {"exact"},
    "placeholder": {"exact"},
    "alt": {"exact"},
    "title": {"exact"},
}
COMMON_MODIFIERS = {"frame", "attribute"}
TOP_LEVEL = {"elements", "frames", "dialogs", "sign_in", "api", "payer", "portal", "description"}
TOP = "top"
"""A spec's `frame: top` keeps it on the page itself, whatever the frames section says."""

Scope = tuple[str, ...]
"""The CSS selectors of the iframes an element lives in, outermost first; () is the page itself."""


@cache
def aria_roles() -> frozenset[str]:
    """Every role Playwright's `get_by_role` accepts, read from its own signature."""
    from playwright.async_api import Page

    return frozenset(typing.get_args(typing.get_type_hints(Page.get_by_role)["role"]))


@dataclass(frozen=True)
class LocatorSpec:
    kind: str
    value: str
    name: str | None = None
    exact: bool = False
    frame: Scope = ()
    attribute: str | None = None
    """Read this attribute rather than the text (a badge's `aria-label`, a bar's `aria-valuenow`)."""

    @property
    def parameters(self) -> set[str]:
        return {field_name for text in (self.value, self.name or "") for field_name in _placeholders(text)}

    def with_frame(self, scope: Scope) -> LocatorSpec:
        return replace(self, frame=scope + self.frame)

    def build(self, root: Any, params: dict[str, Any] | None = None) -> Any:
        """A Playwright locator for this spec inside `root` (a Page, Frame, FrameLocator or Locator)."""
        value = _text(self.value, params)
        if self.kind == "role":
            options: dict[str, Any] = {"exact": self.exact}
            if self.name is not None:
                options["name"] = _text(self.name, params)
            return root.get_by_role(self.value, **options)
        if self.kind == "css":
            return root.locator(_fill(self.value, params))
        method = {
            "label": root.get_by_label,
            "text": root.get_by_text,
            "placeholder": root.get_by_placeholder,
            "alt": root.get_by_alt_text,
            "title": root.get_by_title,
        }.get(self.kind)
        if method is not None:
            return method(value, exact=self.exact)
        return root.get_by_test_id(value)

    def describe(self) -> str:
        extra = f", name={self.name!r}" if self.name else ""
        where = f" in {' > '.join(self.frame)}" if self.frame else ""
        read = f" reading @{self.attribute}" if self.attribute else ""
        return f"{self.kind}={self.value!r}{extra}{where}{read}"


@dataclass(frozen=True)
class DialogRule:
    answer: str
    """`accept` or `dismiss`."""
    message: re.Pattern[str] | None = None
    type: str | None = None
    """`alert`, `confirm`, `prompt` or `beforeunload`; None: any."""

    def matches(self, dialog_type: str, message: str) -> bool:
        if self.type is not None and self.type != dialog_type:
            return False
        return self.message is None or bool(self.message.search(message))


@dataclass(frozen=True)
class ApiToken:
    """Where API mode finds the token of a portal whose JSON needs one: a header the page's own
    API calls carry (observed in the browser, never typed in), on requests under a path, made
    by a page once signed in."""

    header: str = "Authorization"
    requests: str = "/api/"
    page: str = "/"


@dataclass(frozen=True)
class SelectorMap:
    path: Path
    elements: dict[str, tuple[LocatorSpec, ...]]
    dialogs: tuple[DialogRule, ...] = ()
    sign_in: dict[str, Any] | None = None
    frames: dict[str, Scope] = field(default_factory=dict)
    api_token: ApiToken | None = None

    def specs(self, name: str) -> tuple[LocatorSpec, ...]:
        try:
            return self.elements[name]
        except KeyError:
            raise ConfigError(f"{self.path}: no element {name!r} in the selector map") from None

    def require(self, names: list[str] | tuple[str, ...]) -> None:
        """Fail at load time, not mid-run, when a flow needs an element the map lacks."""
        missing = [name for name in names if name not in self.elements]
        if missing:
            raise ConfigError(f"{self.path}: missing element(s) {', '.join(missing)} that the flow uses")

    def parameters(self, name: str) -> set[str]:
        return set().union(*(spec.parameters for spec in self.specs(name)))


def load_selector_map(path: Path) -> SelectorMap:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"selector map {path} does not exist")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("elements"), dict):
        raise ConfigError(f"{path}: must be a mapping with an 'elements' mapping")
    unknown_top = set(document) - TOP_LEVEL
    if unknown_top:
        raise ConfigError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown_top))}")
    frames, frame_of = _parse_frames(path, document.get("frames") or {})
    elements = {
        str(key): _parse_specs(path, str(key), value, frames, frame_of(str(key))) for key, value in document["elements"].items()
    }
    sign_in = document.get("sign_in")
    if sign_in is not None and not isinstance(sign_in, dict):
        raise ConfigError(f"{path}: sign_in must be a mapping (start, signed_in, steps)")
    return SelectorMap(
        path=path,
        elements=elements,
        dialogs=_parse_dialogs(path, document.get("dialogs") or []),
        sign_in=sign_in,
        frames=frames,
        api_token=_parse_api(path, document.get("api")),
    )


def _parse_api(path: Path, section: Any) -> ApiToken | None:
    """`api: {token: {header: Authorization, requests: /api/, page: /claims}}`."""
    if section is None:
        return None
    token = section.get("token") if isinstance(section, dict) and set(section) <= {"token"} else None
    if not isinstance(token, dict) or set(token) - {"header", "requests", "page"}:
        raise ConfigError(f"{path}: api: must be {{token: {{header: Authorization, requests: /api/, page: /}}}}")
    for key in ("header", "requests", "page"):
        if key in token and (not isinstance(token[key], str) or not token[key].strip()):
            raise ConfigError(f"{path}: api.token.{key}: must be a non-empty string")
    return ApiToken(**token)


def _parse_frames(path: Path, section: Any):
    """`frames:` -> name -> scope, and a function telling which frame an element name is in."""
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: frames must be a mapping of frame names")
    frames: dict[str, Scope] = {}
    patterns: list[tuple[str, str]] = []
    for name, entry in section.items():
        where = f"frames.{name}"
        entry = {"selector": entry} if isinstance(entry, (str, list)) else entry
        if not isinstance(entry, dict) or "selector" not in entry or set(entry) - {"selector", "elements"}:
            raise ConfigError(f'{path}: {where}: must be {{selector: "iframe css", elements: ["name.*", ...]}}')
        selector = entry["selector"]
        chain = [selector] if isinstance(selector, str) else selector
        if not isinstance(chain, list) or not chain or not all(isinstance(s, str) and s.strip() for s in chain):
            raise ConfigError(f"{path}: {where}.selector: a CSS selector of the iframe, or a list of them for nested frames")
        frames[str(name)] = tuple(chain)
        for pattern in entry.get("elements") or []:
            patterns.append((str(pattern), str(name)))

    def frame_of(element: str) -> str | None:
        return next((frame for pattern, frame in patterns if fnmatch.fnmatchcase(element, pattern)), None)

    return frames, frame_of


def _parse_dialogs(path: Path, section: Any) -> tuple[DialogRule, ...]:
    if not isinstance(section, list):
        raise ConfigError(f'{path}: dialogs must be a list like [{{message: "expire", answer: accept}}]')
    rules = []
    for index, entry in enumerate(section):
        where = f"dialogs[{index}]"
        if (
            not isinstance(entry, dict)
            or entry.get("answer") not in ("accept", "dismiss")
            or set(entry) - {"answer", "message", "type"}
        ):
            raise ConfigError(f"{path}: {where}: needs answer: accept|dismiss, and optionally message (a regex) and type")
        dialog_type = entry.get("type")
        if dialog_type not in (None, "alert", "confirm", "prompt", "beforeunload"):
            raise ConfigError(f"{path}: {where}: type is alert, confirm, prompt or beforeunload")
        try:
            message = re.compile(entry["message"], re.I) if entry.get("message") else None
        except re.error as error:
            raise ConfigError(f"{path}: {where}: message is not a valid regular expression: {error}") from None
        rules.append(DialogRule(entry["answer"], message, dialog_type))
    return tuple(rules)


def _parse_specs(path: Path, key: str, value: Any, frames: dict[str, Scope], frame: str | None) -> tuple[LocatorSpec, ...]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{path}: {key}: must be a non-empty list of locator specs")
    return tuple(_parse_spec(path, f"{key}[{index}]", spec, frames, frame) for index, spec in enumerate(value))


def _parse_spec(path: Path, where: str, spec: Any, frames: dict[str, Scope], frame: str | None) -> LocatorSpec:
    if not isinstance(spec, dict):
        raise ConfigError(f'{path}: {where}: must be a mapping like {{label: "Username"}}')
    kinds = [kind for kind in KINDS if kind in spec]
    if len(kinds) != 1:
        raise ConfigError(f"{path}: {where}: needs exactly one of {', '.join(KINDS)} (found {len(kinds)})")
    kind = kinds[0]
    unknown = set(spec) - {kind} - MODIFIERS.get(kind, set()) - COMMON_MODIFIERS
    if unknown:
        raise ConfigError(f"{path}: {where}: {', '.join(sorted(unknown))} cannot be used with {kind}")
    value = spec[kind]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: {where}: {kind} must be a non-empty string")
    if kind == "role" and value not in aria_roles():
        raise ConfigError(f"{path}: {where}: {value!r} is not an ARIA role Playwright knows")
    exact = spec.get("exact", False)
    if not isinstance(exact, bool):
        raise ConfigError(f"{path}: {where}: exact must be true or false")
    name = spec.get("name")
    if name is not None and not isinstance(name, str):
        raise ConfigError(f"{path}: {where}: name must be a string")
    for text in (value, name or ""):
        try:
            _placeholders(text)
            _pattern(text)
        except (ValueError, re.error) as error:
            raise ConfigError(f"{path}: {where}: {text!r}: {error}") from None
    frame_name = spec.get("frame", frame)
    if frame_name not in (None, TOP) and frame_name not in frames:
        known = ", ".join(sorted(frames)) or "none declared"
        raise ConfigError(f"{path}: {where}: frame {frame_name!r} is not in the frames section ({known})")
    scope = frames[frame_name] if frame_name not in (None, TOP) else ()
    attribute = spec.get("attribute")
    if attribute is not None and (not isinstance(attribute, str) or not re.fullmatch(r"[A-Za-z_:][-\w:.]*", attribute)):
        raise ConfigError(f"{path}: {where}: attribute must be an attribute name like aria-label")
    return LocatorSpec(kind=kind, value=value, name=name, exact=exact, frame=scope, attribute=attribute)


def _placeholders(text: str) -> list[str]:
    """The `{name}` parameters in a spec's text (`{{` is a literal brace)."""
    names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    bad = [name for name in names if not name.isidentifier()]
    if bad:
        raise ValueError(f"parameters are written {{name}}; {bad[0]!r} is not a name")
    return names


def _fill(text: str, params: dict[str, Any] | None) -> str:
    if "{" not in text:
        return text
    try:
        return text.format_map(params or {})
    except KeyError as missing:
        raise ConfigError(f"the locator {text!r} needs the parameter {missing.args[0]!r}") from None


def _text(text: str, params: dict[str, Any] | None) -> str | re.Pattern[str]:
    """A spec's text with its parameters filled in; `/.../flags` is a regular expression, and a
    parameter inside one is matched literally."""
    pattern = _pattern(text)
    if pattern is None:
        return _fill(text, params)
    body, flags = pattern
    escaped = {key: re.escape(str(value)) for key, value in (params or {}).items()}
    return re.compile(_fill(body, escaped), flags)


def _pattern(text: str) -> tuple[str, int] | None:
    match = re.fullmatch(r"/(.+)/([ims]*)", text, re.S)
    if match is None:
        return None
    flags = 0
    for letter in match[2]:
        flags |= {"i": re.I, "m": re.M, "s": re.S}[letter]
    re.compile(match[1].replace("{", "").replace("}", ""), flags)
    return match[1], flags
