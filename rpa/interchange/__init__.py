"""X12 and FHIR in and out: a billing system's 276/270 as a worklist, a run's answers as 277/271 or FHIR.

    x12_read      a 276 (005010X212) or 270 (005010X279A1) interchange: envelope, HL tree, requests
    x12_worklist  its requests as work items (or rejects carrying their trace numbers)
    envelope      separators, ISA/GS/ST out, SE/GE/IEA counted by pyx12's writer
    responses     a run's answer to each request, in the request's order (or a fresh tree for CSV)
    x12_277       claim status answers as a 277 (005010X212)
    x12_271       eligibility answers as a 271 (005010X279A1)
    fhir          either as a FHIR R4 (4.0.1) Bundle of ClaimResponse / CoverageEligibilityResponse
    export        `rpa runs export RUN --format x12|fhir`

The guide-level decisions (codes for answers that were not found or not given) are in
docs/x12-and-fhir.md.
"""

from __future__ import annotations

import codecs


def is_interchange(raw: bytes) -> bool:
    """Does this file hold an X12 interchange, whatever its name? (`ISA` and a separator first.)"""
    head = raw.removeprefix(codecs.BOM_UTF8).lstrip()[:4]
    return len(head) == 4 and head[:3] == b"ISA" and not chr(head[3]).isalnum() and not chr(head[3]).isspace()
