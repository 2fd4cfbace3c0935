"""The supervisor's pages: the runs, one run with its report and live progress, resuming a run
that stopped, and the payers' readiness (`rpa payers check`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from rpa.console.audit import Action
from rpa.console.batches import RESUMABLE, progress
from rpa.console.pages import console_of
from rpa.console.security import client_of, requires
from rpa.console.users import Role, User
from rpa.core.errors import InputError
from rpa.engine.readiness import check_readiness
from rpa.runs.report import REPORT, write_report
from rpa.runs.review import list_runs, run_details
from rpa.runs.store import RunStore

router = APIRouter()
Supervisor = Annotated[User, Depends(requires(Role.SUPERVISOR))]
RUNS_SHOWN = 100
REPORT_POLICY = (
    "sandbox allow-scripts; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; frame-ancestors 'none'"
)
"""The report's own policy (it inlines its script and styles), in a sandbox: its script runs in an
origin of its own, so it cannot act as the signed-in supervisor."""


@router.get("/runs")
def runs_page(request: Request, user: Supervisor, status: str = "") -> Response:
    console = console_of(request)
    runs = list_runs(console.settings.runs_dir, status=status or None, limit=RUNS_SHOWN)
    statuses = ("running", "completed", "stopped", "interrupted", "rejected")
    return console.page(request, "runs.html", title="Runs", runs=runs, status=status, statuses=statuses)


@router.get("/runs/{run_id}")
def run_page(request: Request, run_id: str, user: Supervisor) -> Response:
    console = console_of(request)
    store = _store(request, run_id)
    details = run_details(store)
    resuming = console.batches.resuming(store.run_id)
    console.audit.record(user.name, Action.VIEW_RUN, f"run {store.run_id}", client=client_of(request))
    return console.page(
        request,
        "run.html",
        title="Run",
        details=details,
        run=details["overview"],
        progress=progress(store),
        resuming=resuming,
        resumable=details["overview"]["status"] in RESUMABLE and not resuming,
        has_report=(store.path / REPORT).is_file() or details["overview"]["status"] != "running",
        notice=request.session.pop("notice", None),
    )


@router.get("/runs/{run_id}/report")
def run_report(request: Request, run_id: str, user: Supervisor) -> Response:
    """The run's report.html (written now if the run ended without one, as one-off lookups do)."""
    console = console_of(request)
    store = _store(request, run_id)
    path = store.path / REPORT
    if not path.is_file():
        if progress(store)["status"] == "running":
            raise HTTPException(404, "the report is written when the run ends")
        write_report(store, console.settings)
    console.audit.record(user.name, Action.VIEW_REPORT, f"run {store.run_id}", client=client_of(request))
    return HTMLResponse(path.read_text(encoding="utf-8"), headers={"Content-Security-Policy": REPORT_POLICY})


@router.post("/runs/{run_id}/resume")
def resume(request: Request, run_id: str, user: Supervisor) -> Response:
    console = console_of(request)
    store = _store(request, run_id)
    pid = console.batches.resume(store)
    console.audit.record(user.name, Action.RESUME_RUN, f"run {store.run_id}", client=client_of(request), pid=pid)
    request.session["notice"] = f"Resuming: the pending items run now (process {pid})."
    return RedirectResponse(f"/runs/{store.run_id}", status_code=303)


@router.get("/api/runs/{run_id}/progress")
def run_progress(request: Request, run_id: str, user: Supervisor) -> Response:
    store = _store(request, run_id)
    return JSONResponse({**progress(store), "resuming": console_of(request).batches.resuming(store.run_id)})


@router.get("/payers/check")
def readiness_page(request: Request, user: Supervisor) -> Response:
    console = console_of(request)
    portals = check_readiness([], console.settings)
    return console.page(request, "readiness.html", title="Payer readiness", portals=portals)


def _store(request: Request, run_id: str) -> RunStore:
    """A run by its exact id (a name inside the runs folder, never a path)."""
    runs_dir = console_of(request).settings.runs_dir
    if "/" in run_id or run_id.startswith(".") or not (runs_dir / run_id).is_dir():
        raise HTTPException(404, "no such run")
    try:
        return RunStore.open(run_id, runs_dir)
    except InputError:
        raise HTTPException(404, "no such run") from None
