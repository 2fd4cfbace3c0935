"""The lookup page: a claim or a member now, while the patient is on the phone."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from rpa.console.audit import Action
from rpa.console.lookups import LookupJob, subject_of
from rpa.console.pages import console_of
from rpa.console.security import client_of, requires
from rpa.console.users import Role, User
from rpa.core.errors import ConfigError
from rpa.core.models import Task
from rpa.core.queries import ClaimStatusQuery, EligibilityQuery, Query
from rpa.core.readout import SERVICE_TYPE_NAMES
from rpa.payers.registry import discover, get_payer

router = APIRouter()
Specialist = Annotated[User, Depends(requires(Role.SPECIALIST))]
FIELDS = {
    Task.CLAIM_STATUS: (
        "claim_number", "member_id", "patient_dob", "service_date_from", "service_date_to",
        "provider_npi", "provider_tax_id", "billed_amount",
    ),
    Task.ELIGIBILITY: (
        "member_id", "patient_dob", "patient_first_name", "patient_last_name", "service_type", "service_date", "provider_npi",
    ),
}  # fmt: skip
MODELS: dict[Task, type[Query]] = {Task.CLAIM_STATUS: ClaimStatusQuery, Task.ELIGIBILITY: EligibilityQuery}


@router.get("/lookup")
def lookup_page(request: Request, user: Specialist) -> Response:
    return _forms(request)


@router.post("/lookup/claim")
async def look_up_claim(request: Request, user: Specialist) -> Response:
    return await _submit(request, user, Task.CLAIM_STATUS)


@router.post("/lookup/eligibility")
async def look_up_eligibility(request: Request, user: Specialist) -> Response:
    return await _submit(request, user, Task.ELIGIBILITY)


@router.get("/lookup/{job_id}")
def lookup_job(request: Request, job_id: str, user: Specialist) -> Response:
    console = console_of(request)
    job = _job(request, job_id, user)
    if not job.finished_state:
        return console.page(request, "lookup_job.html", title="Looking up", job=job, progress=console.lookups.progress(job))
    result = job.result.model_dump(mode="json") if job.result else None
    if result is not None:
        answer = result.get("answer") or {}
        console.audit.record(
            user.name,
            Action.VIEW_LOOKUP,
            subject_of(job.query),
            client=client_of(request),
            outcome=result["outcome"],
            patient=answer.get("patient_name"),
            member_id=answer.get("member_id"),
            run_id=job.summary.run_id if job.summary else None,
        )
    return console.page(request, "lookup_job.html", title="Lookup", job=job, result=result, summary=job.summary)


@router.get("/api/lookups/{job_id}")
def lookup_progress(request: Request, job_id: str, user: Specialist) -> Response:
    job = _job(request, job_id, user)
    return JSONResponse(console_of(request).lookups.progress(job))


def _job(request: Request, job_id: str, user: User) -> LookupJob:
    job = console_of(request).lookups.get(job_id, user.name)
    if job is None:
        raise HTTPException(404, "no such lookup (lookups are kept for 30 minutes)")
    return job


async def _submit(request: Request, user: User, task: Task) -> Response:
    console = console_of(request)
    form = await request.form()
    values = {name: str(form.get(name) or "").strip() for name in ("payer", *FIELDS[task])}
    query, field, problem = _query(task, values)
    if query is None:
        return _forms(request, task=task, values=values, field=field, problem=problem, status_code=400)
    job = console.lookups.submit(user.name, query)
    action = Action.LOOKUP_CLAIM if task is Task.CLAIM_STATUS else Action.LOOKUP_ELIGIBILITY
    console.audit.record(user.name, action, subject_of(query), client=client_of(request), payer=query.payer)
    return RedirectResponse(f"/lookup/{job.id}", status_code=303)


def _query(task: Task, values: dict[str, str]) -> tuple[Query | None, str, str]:
    """The validated query, or the field at fault and why (the same checks as a worklist row,
    then the portal's own: a field it needs to look the query up)."""
    try:
        info = get_payer(values["payer"])
    except ConfigError as error:
        return None, "payer", error.message
    if task not in info.flow.tasks:
        return None, "payer", f"{info.payer.name} cannot be asked for {task.value.replace('_', ' ')}"
    try:
        query = MODELS[task](**{name: value for name, value in values.items() if value})
    except ValidationError as error:
        detail = error.errors()[0]
        field = str(detail["loc"][0]) if detail["loc"] else ""
        message = str(detail["msg"]).removeprefix("Value error, ")
        if not field and ": " in message:
            field, message = message.split(": ", 1)
        return None, field, message
    problem = info.flow.query_problem(info.payer, query)
    if problem is not None:
        return None, problem[0], problem[1]
    return query, "", ""


def _forms(
    request: Request,
    *,
    task: Task | None = None,
    values: dict[str, str] | None = None,
    field: str = "",
    problem: str = "",
    status_code: int = 200,
) -> Response:
    payers = sorted(
        (
            {"id": payer_id, "name": info.payer.name, "tasks": {t.value for t in info.flow.tasks}}
            for payer_id, info in discover().payers.items()
        ),
        key=lambda payer: payer["name"],
    )
    return console_of(request).page(
        request,
        "lookup.html",
        status_code,
        title="Lookup",
        payers=payers,
        service_types=SERVICE_TYPE_NAMES,
        task=task.value if task else None,
        values=values or {},
        today=date.today().isoformat(),
        field=field,
        problem=problem,
    )
