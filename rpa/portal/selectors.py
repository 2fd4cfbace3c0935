"""Selector maps: logical element names -> locator specs with ordered fallbacks.

A portal's UI change should be a data edit, not a code change, so every element a flow touches
is named in `selectors/<payer>.yaml`:

    elements:
      login.username:
        - {label: "Username"}
        - {test_id: "login-username"}
        - {css: "#username"}
      claims.search:
        - {role: button, name: "Search"}

Specs are tried in order; the first that matches an element wins. A map is validated when it
is loaded, and a problem names the file, the key and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rpa.core.errors import ConfigError

KINDS = ("role", "label", "test_id", "text", "placeholder", "css")
MODIFIERS = {"role": {"name", "exact"}, "label": {"exact"}, "text": {"exact"}, "placeholder": {"exact"}}
ARIA_ROLES = {
    "alert",
    "alertdialog",
    "button",
    "cell",
    "checkbox",
    "columnheader",
    "combobox",
    "dialog",
    "grid",
    "gridcell",
    "heading",
    "link",
    "list",
    "listitem",
    "main",
    "navigation",
    "option",
    "radio",
    "region",
    "row",
    "rowgroup",
    "rowheader",
    "search",
    "status",
    "tab",
    "table",
    "tabpanel",
    "textbox",
    "banner",
    "form",
    "img",
    "menu",
    "menuitem",
    "progressbar",
}


@dataclass(frozen=True)
class LocatorSpec:
    kind: str
    value: str
    name: str | None = None
    exact: bool = False

    def build(self, scope: Any) -> Any:
        """A Playwright locator for this spec inside `scope` (a Page, Frame or Locator)."""
        if self.kind == "role":
            options: dict[str, Any] = {"exact": self.exact}
            if self.name is not None:
                options["name"] = self.name
            return scope.get_by_role(self.value, **options)
        if self.kind == "label":
            return scope.get_by_label(self.value, exact=self.exact)
        if self.kind == "test_id":
            return scope.get_by_test_id(self.value)
        if self.kind == "text":
            return scope.get_by_text(self.value, exact=self.exact)
        if self.kind == "placeholder":
            return scope.get_by_placeholder(self.value, exact=self.exact)
        return scope.locator(self.value)

    def describe(self) -> str:
        extra = f", name={self.name!r}" if self.name else ""
        return f"{self.kind}={self.value!r}{extra}"


@dataclass(frozen=True)
class SelectorMap:
    path: Path
    elements: dict[str, tuple[LocatorSpec, ...]]

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
    unknown_top = set(document) - {"elements", "payer", "description"}
    if unknown_top:
        raise ConfigError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown_top))}")
    elements = {str(key): _parse_specs(path, str(key), value) for key, value in document["elements"].items()}
    return SelectorMap(path=path, elements=elements)


def _parse_specs(path: Path, key: str, value: Any) -> tuple[LocatorSpec, ...]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{path}: {key}: must be a non-empty list of locator specs")
    return tuple(_parse_spec(path, f"{key}[{index}]", spec) for index, spec in enumerate(value))


def _parse_spec(path: Path, where: str, spec: Any) -> LocatorSpec:
    if not isinstance(spec, dict):
        raise ConfigError(f'{path}: {where}: must be a mapping like {{label: "Username"}}')
    kinds = [kind for kind in KINDS if kind in spec]
    if len(kinds) != 1:
        raise ConfigError(f"{path}: {where}: needs exactly one of {', '.join(KINDS)} (found {len(kinds)})")
    kind = kinds[0]
    unknown = set(spec) - {kind} - MODIFIERS.get(kind, set())
    if unknown:
        raise ConfigError(f"{path}: {where}: {', '.join(sorted(unknown))} cannot be used with {kind}")
    value = spec[kind]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: {where}: {kind} must be a non-empty string")
    if kind == "role" and value not in ARIA_ROLES:
        raise ConfigError(f"{path}: {where}: {value!r} is not an ARIA role this tool knows")
    exact = spec.get("exact", False)
    if not isinstance(exact, bool):
        raise ConfigError(f"{path}: {where}: exact must be true or false")
    name = spec.get("name")
    if name is not None and not isinstance(name, str):
        raise ConfigError(f"{path}: {where}: name must be a string")
    return LocatorSpec(kind=kind, value=value, name=name, exact=exact)
