"""Independent checks of what the tool writes: libraries that share no code with its writers.

- x12sdk (LinuxForHealth x12's maintained fork) parses a 277 into its 005010X212 models and a 271
  into its 005010X279A1 models, validating loops, qualifiers, codes, formats and the SE count;
- pyx12 re-reads the interchange and checks the envelope (ISA, GS/GE and IEA counts and control
  numbers, SE counts, HL numbering and parents), and its external code lists (507, 508, service
  types) hold every code used;
- fhirclient's R4 (4.0.1) models check every FHIR resource strictly.

x12sdk 2.2.0 validates a 271's 2100C AAA03 against the 2100B list (43, 44, 51, ...), so it refuses
the guide's "subscriber not found" (75) and "unable to respond" (42); `eligibility_models` widens
that one list to the guide's 2100C list and changes nothing else. Its 277 parser also keeps only the
first service line of a claim (the second SVC nests inside the first), so the 277 round trip asks
about one line per claim; several lines are checked with pyx12 and by reading the segments.
"""

from __future__ import annotations

import io
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pyx12.codes import ExternalCodes
from pyx12.x12file import X12Reader
from x12sdk.io import X12ModelReader
from x12sdk.v5010.segments import AaaSegment
from x12sdk.v5010.x12_271_005010X279A1 import loops as eligibility_loops
from x12sdk.v5010.x12_271_005010X279A1 import segments as eligibility_segments
from x12sdk.v5010.x12_271_005010X279A1 import transaction_set as eligibility_sets

SUBSCRIBER_AAA03 = Enum(
    "SubscriberRejectReason",
    {f"CODE_{code}": code for code in "15 35 42 43 45 47 48 49 51 52 56 57 58 60 61 62 63 71 72 73 74 75 76 78".split()},
    type=str,
)
"""005010X279A1 2100C AAA03 reject reason codes."""


def envelope_problems(text: str) -> list[str]:
    """pyx12's envelope checks over every segment; [] when the interchange is whole."""
    reader = X12Reader(io.StringIO(text))
    problems = []
    for segment in reader:
        problems += [f"{segment.get_seg_id()}: {problem[2]}" for problem in reader.pop_errors() if problem]
    reader.cleanup()
    problems += [problem[2] for problem in reader.pop_errors()]
    return problems


def claim_status_models(path: Path) -> list[Any]:
    with X12ModelReader(str(path)) as reader:
        return list(reader.models())


def eligibility_models(path: Path) -> list[Any]:
    _widen_subscriber_validation()
    with X12ModelReader(str(path)) as reader:
        return list(reader.models())


@cache
def external_codes() -> ExternalCodes:
    return ExternalCodes()


def segments(text: str) -> list[list[str]]:
    """The response's segments as element lists (ISA's separators), for direct assertions."""
    element, terminator = text[3], text[105]
    return [segment.strip().split(element) for segment in text.split(terminator) if segment.strip()]


class SubscriberRequestValidation(AaaSegment):
    """2100C AAA as the guide has it (x12sdk reuses its 2100B segment here)."""

    reject_reason_code: SUBSCRIBER_AAA03
    follow_up_action_code: eligibility_segments.Loop2100BAaaSegment.FollowUpActionCode


@cache
def _widen_subscriber_validation() -> None:
    loops = eligibility_loops
    loops.Loop2100C.model_fields["aaa_segment"] = FieldInfo(annotation=list[SubscriberRequestValidation] | None, default=None)
    for model in (loops.Loop2100C, loops.Loop2000C, loops.Loop2000B, loops.Loop2000A, eligibility_sets.EligibilityBenefit):
        model.model_rebuild(force=True)
