"""The console's routes, one module per page group; each route says the role it needs."""

from __future__ import annotations

from fastapi import Request

from rpa.console.app import Console


def console_of(request: Request) -> Console:
    return request.app.state.console
