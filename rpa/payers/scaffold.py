"""`rpa payers new NAME`: the four files of a new portal's flow, to fill in.

The files run from the start and fail helpfully until filled in: `rpa payers test NAME` says
which case still holds `TODO`, which URL or credential is missing, which element or word the
portal shows that the maps do not know.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from rpa.core.errors import ConfigError, InputError

TEMPLATES = Path(__file__).with_name("templates")
FILES = ("flow.py", "selectors.yaml", "wording.yaml", "cases.yaml")


def new_flow(portal_id: str, folder: Path, display_name: str | None = None) -> list[Path]:
    """Write `folder/<portal_id>/{flow.py, selectors.yaml, wording.yaml, cases.yaml}`."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", portal_id):
        raise InputError(f"{portal_id!r}: a portal id is lowercase letters, digits and _ (e.g. acme or acme_health)")
    target = folder / portal_id
    if target.exists():
        raise ConfigError(f"{target} already exists; choose another name or edit the files there")
    values = {
        "portal_id": portal_id,
        "display_name": display_name or portal_id.replace("_", " ").title(),
        "class_name": "".join(part.title() for part in portal_id.split("_")),
    }
    target.mkdir(parents=True)
    written = []
    for name in FILES:
        path = target / name
        path.write_text(Template((TEMPLATES / f"{name}.tmpl").read_text()).substitute(values))
        written.append(path)
    return written
