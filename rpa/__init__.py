"""Robotic process automation for payer portals: claim status and eligibility, normalized.

The same operations the `rpa` command offers, importable:

    from rpa import lookup_claim, run_worklist
    result, summary = lookup_claim("sandbox", claim_number="CLM00001234")
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "run_worklist": "rpa.engine.jobs",
    "resume_run": "rpa.engine.jobs",
    "lookup": "rpa.engine.jobs",
    "lookup_claim": "rpa.engine.jobs",
    "lookup_eligibility": "rpa.engine.jobs",
    "load_settings": "rpa.core.settings",
    "ClaimStatusQuery": "rpa.core.queries",
    "EligibilityQuery": "rpa.core.queries",
    "ClaimStatus": "rpa.core.models",
    "Eligibility": "rpa.core.models",
    "Outcome": "rpa.core.models",
    "Task": "rpa.core.models",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Imports on first use, so `rpa --help` stays quick."""
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'rpa' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
