"""`rpa runs export RUN --format x12|fhir`: the run's answers in the billing system's own terms.

A claim-status run becomes a 277 and an eligibility run a 271, answering every request of the run
in its order (docs/x12-and-fhir.md); `fhir` writes the same answers as a FHIR R4 Bundle. The file
holds PHI, so it is owner-only like the run folder it is written to.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from rpa.core.files import write_private_text
from rpa.core.models import Task
from rpa.interchange.envelope import Separators
from rpa.interchange.fhir import fhir_bundle, json_default
from rpa.interchange.responses import run_answers
from rpa.interchange.x12_271 import write_271
from rpa.interchange.x12_277 import write_277
from rpa.runs.store import RunStore

InterchangeFormat = Literal["x12", "fhir"]
FILE_NAMES = {
    ("x12", Task.CLAIM_STATUS): "response.277.x12",
    ("x12", Task.ELIGIBILITY): "response.271.x12",
    ("fhir", Task.CLAIM_STATUS): "response.fhir.json",
    ("fhir", Task.ELIGIBILITY): "response.fhir.json",
}


def export_interchange(
    store: RunStore,
    fmt: InterchangeFormat,
    *,
    output: Path | None = None,
    separators: Separators | None = None,
    control_number: int | None = None,
    now: datetime | None = None,
) -> Path:
    """Write the run's 277/271 (separators: the request's, else `*:^~`) or FHIR Bundle; returns its path."""
    now = now or datetime.now(UTC)
    task = store.manifest().task
    answers = run_answers(store)
    if fmt == "fhir":
        text = json.dumps(fhir_bundle(answers, task, now=now), indent=2, default=json_default) + "\n"
    else:
        write = write_277 if task is Task.CLAIM_STATUS else write_271
        chosen = separators or answers.interchange.separators
        number = control_number if control_number is not None else int(now.timestamp()) % 1_000_000_000
        text = write(answers, separators=chosen, control_number=number, now=now)
    path = Path(output) if output else store.path / FILE_NAMES[(fmt, task)]
    write_private_text(path, text)
    return path
