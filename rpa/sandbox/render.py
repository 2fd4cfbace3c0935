"""Rendering pages: the Jinja2 templates with the variant in force, and the portal's error pages."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from rpa.sandbox.state import SandboxState
from rpa.sandbox.wording import PORTAL_NAME, Text

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.globals.update(t=Text, portal_name=PORTAL_NAME)


def static_urls(directory: Path) -> Callable[[str], str]:
    """URLs for a folder's static files, each carrying its content digest, so long caching never
    serves a stale file."""

    @cache
    def static_url(name: str) -> str:
        digest = hashlib.blake2s((directory / name).read_bytes(), digest_size=6).hexdigest()
        return f"/static/{name}?v={digest}"

    return static_url


TEMPLATES.env.globals["static"] = static_urls(STATIC_DIR)


def state_of(request: Request) -> SandboxState:
    return request.app.state.portal


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    *,
    user: str | None = None,
    script: dict | None = None,
    headers: dict[str, str] | None = None,
    **context,
) -> HTMLResponse:
    """A page in the variant in force; `script` is the page's own part of the script's config."""
    state = state_of(request)
    variant = state.variant
    config = {**variant.script_config(), "page": None, "spinnerMs": state.settings.spinner_ms, "modal": None}
    config.update(script or {})
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"v": variant, "user": user, "config": config, **context},
        status_code=status_code,
        headers=headers,
    )


def status_page(
    request: Request, status_code: int, heading: str, body: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    return render(request, "status.html", status_code, heading=heading, body=body, headers=headers)
