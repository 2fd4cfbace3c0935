"""Rendering the clearinghouse's pages: its templates with the US formats as filters, the script's
config (the window's session-timeout warning, a modal now and then), and its error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.templating import Jinja2Templates
from starlette.types import Scope

from rpa.sandbox.clearinghouse import formats, wording
from rpa.sandbox.clearinghouse.state import state_of
from rpa.sandbox.clearinghouse.wording import ORGANIZATION, PORTAL_NAME, Section, Text
from rpa.sandbox.render import static_urls

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.globals.update(t=Text, s=Section, portal_name=PORTAL_NAME, organization=ORGANIZATION)
TEMPLATES.env.globals["static"] = static_urls(STATIC_DIR)
TEMPLATES.env.filters.update(
    money=formats.money,
    reduction=formats.reduction,
    us_date=formats.us_date,
    percent=formats.percent,
    words=formats.words,
)
TEMPLATES.env.globals.update(
    date_range=formats.date_range,
    result_columns=wording.RESULT_COLUMNS,
    claim_labels=wording.CLAIM_LABELS,
    status_labels=wording.STATUS_LABELS,
    payment_labels=wording.PAYMENT_LABELS,
    adjustment_columns=wording.ADJUSTMENT_COLUMNS,
    line_columns=wording.LINE_COLUMNS,
    patient_labels=wording.PATIENT_LABELS,
    coverage_labels=wording.COVERAGE_LABELS,
    benefit_columns=wording.BENEFIT_COLUMNS,
)

MODAL_MAX_DELAY_MS = 800
Chrome = Literal["public", "shell", "frame", "popup"]
"""Where a page lives: signed out; the signed-in shell; inside the shell's iframe; a pop-up window."""


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    *,
    chrome: Chrome = "public",
    user: str | None = None,
    headers: dict[str, str] | None = None,
    **context,
) -> HTMLResponse:
    """A page; signed-in top-level windows (shell and pop-up) get the session-timeout warning,
    and now and then (`modal_rate`) the shell opens an announcement."""
    state = state_of(request)
    settings = state.settings
    config: dict = {"page": template.removesuffix(".html"), "chrome": chrome, "text": _script_text()}
    if chrome in ("shell", "popup"):
        config["sessionWarning"] = {
            "afterMs": int(settings.session_warning_s * 1000),
            "graceMs": int(settings.session_warning_grace_s * 1000),
        }
    if chrome == "shell" and state.rng.random() < settings.modal_rate:
        config["modal"] = {
            "delayMs": state.rng.randint(0, MODAL_MAX_DELAY_MS),
            "heading": Text.MODAL_HEADING,
            "body": Text.MODAL_BODY,
            "dismiss": Text.DISMISS,
        }
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"chrome": chrome, "user": user, "config": config, **context},
        status_code=status_code,
        headers=headers,
    )


def status_page(
    request: Request, status_code: int, heading: str, body: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    return render(request, "status.html", status_code, heading=heading, body=body, headers=headers)


class ClearinghouseErrorPages:
    """Maintenance and injected failures, in the shell, the iframe and the pop-up alike."""

    def maintenance(self, scope: Scope, kind: str, headers: dict[str, str]) -> Response:
        if kind == "api":
            return api_error(503, "maintenance", Text.MAINTENANCE_BODY, headers)
        return status_page(Request(scope), 503, Text.MAINTENANCE_HEADING, Text.MAINTENANCE_BODY, headers)

    def failure(self, scope: Scope, kind: str, status: int) -> Response:
        if kind == "api":
            return api_error(status, "server_error" if status == 500 else "unavailable", Text.ERROR_BODY)
        if status == 500:
            return status_page(Request(scope), 500, Text.ERROR_HEADING, Text.ERROR_BODY)
        return status_page(Request(scope), 503, Text.UNAVAILABLE_HEADING, Text.UNAVAILABLE_BODY)


def api_error(status_code: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code, headers=headers)


def _script_text() -> dict[str, str]:
    names = ("SESSION_WARNING", "NO_PAYERS", "PAYER_LIST_FAILED")
    return {name: getattr(Text, name) for name in names}
