"""Finding portals and the payers they serve, without the engine ever naming one.

Flows are found in three places, in this order:

- the package's own flows (`rpa/flows/<portal>/flow.py`), imported as modules, so a plain
  `pip install .` carries them with their YAML;
- flow folders: each entry of `$RPA_FLOWS_PATH`, then `./flows` (where `rpa payers new` writes),
  holding `<name>.py` files or `<name>/flow.py` folders, loaded by path;
- installed packages, through the `rpa.payers` entry-point group (a module or a Flow class).

Each flow declares one portal and the payers it serves. Two flows claiming one portal id, or two
portals claiming one payer id, is an error; an unknown id lists the ids that exist.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from rpa.core.errors import ConfigError
from rpa.payers.flow import Flow, Payer
from rpa.payers.wording import WordingMap, load_wording_map
from rpa.portal.selectors import SelectorMap, load_selector_map

ENTRY_POINT_GROUP = "rpa.payers"
BUILT_IN_FLOWS = Path(__file__).resolve().parent.parent / "flows"
"""The flows that ship inside the package."""
LOCAL_FLOWS = Path("flows")
"""A deployment's own flows, relative to where `rpa` runs (what `rpa payers new` writes)."""


@dataclass(frozen=True)
class PortalInfo:
    flow: type[Flow]
    origin: str
    """Where the flow came from: its file, or the entry point that installed it."""

    @property
    def portal_id(self) -> str:
        return self.flow.portal_id

    @property
    def file(self) -> str:
        return inspect.getfile(self.flow)


@dataclass(frozen=True)
class PayerInfo:
    payer: Payer
    flow: type[Flow]
    origin: str

    @property
    def payer_id(self) -> str:
        return self.payer.id

    @property
    def portal_id(self) -> str:
        return self.flow.portal_id


@dataclass
class Catalog:
    portals: dict[str, PortalInfo] = field(default_factory=dict)
    payers: dict[str, PayerInfo] = field(default_factory=dict)

    def add(self, flow: type[Flow], origin: str) -> None:
        existing = self.portals.get(flow.portal_id)
        if existing is not None:
            if existing.flow is flow:
                return
            raise ConfigError(f"portal id {flow.portal_id!r} is declared twice: {existing.origin} and {origin}")
        self.portals[flow.portal_id] = PortalInfo(flow, origin)
        for payer in flow.payer_list():
            other = self.payers.get(payer.id)
            if other is not None:
                raise ConfigError(f"payer id {payer.id!r} is served by two portals: {other.portal_id} and {flow.portal_id}")
            self.payers[payer.id] = PayerInfo(payer, flow, origin)


def flow_folders() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("RPA_FLOWS_PATH", "").split(os.pathsep) if p]
    return [*extra, LOCAL_FLOWS]


@cache
def discover() -> Catalog:
    catalog = Catalog()
    for folder in sorted(path for path in BUILT_IN_FLOWS.iterdir() if (path / "flow.py").is_file()):
        for flow in _flows_in(importlib.import_module(f"rpa.flows.{folder.name}.flow")):
            catalog.add(flow, str(folder / "flow.py"))
    for folder in flow_folders():
        if not folder.is_dir():
            continue
        for module_path in sorted([*folder.glob("*.py"), *folder.glob("*/flow.py")]):
            if module_path.name.startswith("_"):
                continue
            for flow in _flows_in(load_flow_module(module_path)):
                catalog.add(flow, str(module_path))
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
        except Exception as error:
            raise ConfigError(f"entry point {entry.name} ({entry.value}) failed to load: {error}") from error
        flows = _flows_in(loaded) if inspect.ismodule(loaded) else [loaded]
        for flow in flows:
            if not (inspect.isclass(flow) and issubclass(flow, Flow)):
                raise ConfigError(f"entry point {entry.name} ({entry.value}) is not a Flow subclass")
            catalog.add(flow, f"entry point {entry.name}")
    return catalog


def get_payer(payer_id: str) -> PayerInfo:
    payers = discover().payers
    try:
        return payers[payer_id]
    except KeyError:
        known = ", ".join(sorted(payers)) or "none"
        raise ConfigError(f"unknown payer {payer_id!r}; known payers: {known}") from None


def get_portal(portal_id: str) -> type[Flow]:
    """A portal's flow by the portal's id (or by the id of a payer it serves)."""
    catalog = discover()
    if portal_id in catalog.portals:
        return catalog.portals[portal_id].flow
    if portal_id in catalog.payers:
        return catalog.payers[portal_id].flow
    portals = ", ".join(sorted(catalog.portals)) or "none"
    payers = ", ".join(sorted(catalog.payers)) or "none"
    raise ConfigError(f"unknown portal or payer {portal_id!r}; known portals: {portals}; known payers: {payers}")


@cache
def selector_map_for(flow: type[Flow]) -> SelectorMap:
    from rpa.payers.signin import parse_sign_in

    selectors = load_selector_map(flow.selector_map_path())
    selectors.require(flow.required_elements)
    parse_sign_in(selectors)
    return selectors


@cache
def wording_maps_for(flow: type[Flow]) -> dict[str, WordingMap]:
    """Each payer's wording map: the portal's, extended by the payer's own where it has one."""
    portal = load_wording_map(flow.file_beside(flow.wording_map))
    return {
        payer.id: portal.extended_by(load_wording_map(flow.file_beside(payer.wording))) if payer.wording else portal
        for payer in flow.payer_list()
    }


def build_flow(flow: type[Flow], base_url: str) -> Flow:
    return flow(base_url, selector_map_for(flow), wording_maps_for(flow))


def load_flow_module(path: Path):
    """Import a flow file once (as `rpa_flows.<name>`); a flow may extend another this way."""
    name = f"rpa_flows.{path.parent.name if path.stem == 'flow' else path.stem}"
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"cannot load flow module {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise ConfigError(f"flow module {path} failed to load: {error}") from error
    return module


def _flows_in(module) -> list[type[Flow]]:
    return [
        member
        for _, member in inspect.getmembers(module, inspect.isclass)
        if issubclass(member, Flow) and member is not Flow and member.portal_id and member.__module__ == module.__name__
    ]
