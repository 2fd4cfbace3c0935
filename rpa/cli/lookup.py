"""`rpa lookup claim|eligibility`: one answer while the patient is on the phone."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from rpa.cli.common import console, err_console, print_json, reports_errors
from rpa.cli.render import result_view
from rpa.core.errors import InputError
from rpa.core.queries import ClaimStatusQuery, EligibilityQuery, Query

app = typer.Typer(help="Look up one claim or one member now (recorded as a small run).", no_args_is_help=True)

PayerOption = Annotated[str, typer.Option("--payer", "-p", help="Payer id (see: rpa payers list).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON (the results.jsonl shape).")]
RunsDirOption = Annotated[Path | None, typer.Option("--runs-dir", help="Where run folders go (default: runs/).")]
ModeOption = Annotated[str | None, typer.Option("--mode", help="auto (JSON where the flow offers it), page or api.")]


@app.command("claim")
@reports_errors
def claim(
    payer: PayerOption,
    claim_number: Annotated[
        str | None, typer.Option("--claim-number", "-c", help="The claim number (or payer claim ID).")
    ] = None,
    member_id: Annotated[
        str | None,
        typer.Option("--member-id", "-m", help="The patient's member ID (with --dob and --from, instead of a claim number)."),
    ] = None,
    dob: Annotated[str | None, typer.Option("--dob", help="Patient date of birth (YYYY-MM-DD or MM/DD/YYYY).")] = None,
    service_from: Annotated[str | None, typer.Option("--from", help="Service date from.")] = None,
    service_to: Annotated[str | None, typer.Option("--to", help="Service date to (default: --from).")] = None,
    npi: Annotated[str | None, typer.Option("--npi", help="Billing provider NPI.")] = None,
    tax_id: Annotated[
        str | None, typer.Option("--tax-id", help="Billing provider Tax ID (payers that know providers by it).")
    ] = None,
    billed: Annotated[str | None, typer.Option("--billed", help="Billed amount, to tell claims apart.")] = None,
    json_output: JsonOption = False,
    runs_dir: RunsDirOption = None,
    mode: ModeOption = None,
) -> None:
    """Claim status by claim number, or by member ID + date of birth + service dates."""
    query = _query(
        ClaimStatusQuery,
        payer=payer,
        claim_number=claim_number,
        member_id=member_id,
        patient_dob=dob,
        service_date_from=service_from,
        service_date_to=service_to,
        provider_npi=npi,
        provider_tax_id=tax_id,
        billed_amount=billed,
    )
    _run(query, json_output, runs_dir, mode)


@app.command("eligibility")
@reports_errors
def eligibility(
    payer: PayerOption,
    member_id: Annotated[str, typer.Option("--member-id", "-m")],
    dob: Annotated[str, typer.Option("--dob", help="Date of birth (YYYY-MM-DD or MM/DD/YYYY).")],
    first_name: Annotated[str | None, typer.Option("--first-name")] = None,
    last_name: Annotated[str | None, typer.Option("--last-name")] = None,
    service_type: Annotated[str, typer.Option("--service-type", "-s", help="X12 service type code (30, 98, MH...).")] = "30",
    service_date: Annotated[str | None, typer.Option("--date", help="Date of service (default: today).")] = None,
    npi: Annotated[
        str | None, typer.Option("--npi", help="Provider NPI (portals that look members up through a provider).")
    ] = None,
    json_output: JsonOption = False,
    runs_dir: RunsDirOption = None,
    mode: ModeOption = None,
) -> None:
    """Coverage and benefits for a member on a date of service."""
    query = _query(
        EligibilityQuery,
        payer=payer,
        member_id=member_id,
        patient_dob=dob,
        patient_first_name=first_name,
        patient_last_name=last_name,
        service_type=service_type,
        service_date=service_date or date.today().isoformat(),
        provider_npi=npi,
    )
    _run(query, json_output, runs_dir, mode)


def _query(model: type[Query], **fields: object) -> Query:
    try:
        return model(**{key: value for key, value in fields.items() if value is not None})
    except ValidationError as error:
        problem = error.errors()[0]
        field = ".".join(str(part) for part in problem["loc"]) or "query"
        raise InputError(f"{field}: {str(problem['msg']).removeprefix('Value error, ')}") from None


def _run(query: Query, json_output: bool, runs_dir: Path | None, mode: str | None) -> None:
    from rpa.core.settings import load_settings
    from rpa.engine.jobs import lookup
    from rpa.engine.run import ExitCode
    from rpa.payers.registry import get_payer

    get_payer(query.payer)  # a typo lists the known payers before anything starts
    settings = load_settings(runs_dir=runs_dir, mode=mode)
    result, summary = lookup(query, settings=settings)
    if result is None:
        for stop in summary.stopped:
            err_console.print(f"[bold red]stopped:[/] {stop.message}\n  fix: {stop.fix}", highlight=False)
        if json_output:
            stopped = [stop.model_dump(mode="json") for stop in summary.stopped]
            print_json({"outcome": None, "run_dir": str(summary.run_dir), "stopped": stopped}, one_line=True)
        raise typer.Exit(ExitCode.STOPPED)
    data = result.model_dump(mode="json")
    if json_output:
        print_json({**data, "run_dir": str(summary.run_dir)}, one_line=True)
    else:
        console.print(result_view(data))
        console.print(f"[dim]recorded in {summary.run_dir}[/]")
    raise typer.Exit(ExitCode.OK if result.outcome.value in ("found", "not_found") else ExitCode.UNANSWERED)
