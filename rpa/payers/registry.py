"""Finding payers: flow modules in `flows/` and out-of-tree ones from an entry-point group.

The engine never imports a payer by name. It walks the flow folders (the project's `flows/`
and any in `$RPA_FLOWS_PATH`), loads each module, and collects the `Flow` subclasses that
declare a `payer_id`; installed packages add payers through the `rpa.payers` entry-point group.
Two flows claiming one id is an error, and an unknown id lists the ids that exist.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from rpa.core.errors import ConfigError
from rpa.payers.flow import Flow
from rpa.portal.selectors import SelectorMap, load_selector_map

ENTRY_POINT_GROUP = "rpa.payers"
PROJECT_FLOWS = Path(__file__).resolve().parent.parent / "flows"
"""The flows that ship inside the package (`rpa/flows/<portal>/flow.py`)."""


@dataclass(frozen=True)
class PayerInfo:
    flow: type[Flow]
    origin: str

    @property
    def payer_id(self) -> str:
        return self.flow.payer_id


def flow_folders() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("RPA_FLOWS_PATH", "").split(os.pathsep) if p]
    return [*extra, PROJECT_FLOWS]


@cache
def discover() -> dict[str, PayerInfo]:
    payers: dict[str, PayerInfo] = {}
    for folder in flow_folders():
        if not folder.is_dir():
            continue
        for module_path in sorted([*folder.glob("*.py"), *folder.glob("*/flow.py")]):
            if module_path.name.startswith("_"):
                continue
            for flow in _flows_in(load_flow_module(module_path)):
                _add(payers, PayerInfo(flow, str(module_path)))
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
        except Exception as error:
            raise ConfigError(f"entry point {entry.name} ({entry.value}) failed to load: {error}") from error
        flows = _flows_in(loaded) if inspect.ismodule(loaded) else [loaded]
        for flow in flows:
            if not (inspect.isclass(flow) and issubclass(flow, Flow)):
                raise ConfigError(f"entry point {entry.name} ({entry.value}) is not a Flow subclass")
            _add(payers, PayerInfo(flow, f"entry point {entry.name}"))
    return payers


def get_payer(payer_id: str) -> type[Flow]:
    payers = discover()
    try:
        return payers[payer_id].flow
    except KeyError:
        known = ", ".join(sorted(payers)) or "none"
        raise ConfigError(f"unknown payer {payer_id!r}; known payers: {known}") from None


@cache
def selector_map_for(flow: type[Flow]) -> SelectorMap:
    selectors = load_selector_map(flow.selector_map_path())
    selectors.require(flow.required_elements)
    return selectors


def _add(payers: dict[str, PayerInfo], info: PayerInfo) -> None:
    existing = payers.get(info.payer_id)
    if existing is not None and existing.flow is not info.flow:
        raise ConfigError(f"payer id {info.payer_id!r} is declared twice: {existing.origin} and {info.origin}")
    payers[info.payer_id] = info


def load_flow_module(path: Path):
    """Import a flow file once (as `rpa_flows.<stem>`); a flow may extend another this way."""
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
        if issubclass(member, Flow) and member is not Flow and member.payer_id and member.__module__ == module.__name__
    ]
