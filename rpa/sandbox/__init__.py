"""The sandbox payer portals: local, seeded provider portals for the demo, tests and benchmarks.

The first portal (a payer's own site) lives here; see docs/sandbox-portal.md for the contract
its pages, JSON and ground truth keep. The multi-payer clearinghouse lives in `clearinghouse/`
(docs/sandbox-clearinghouse.md); `portals.py` names both, and the modules they share (accounts,
sessions, settings, obstacles, admin, CAPTCHA, claim maker, plans) serve either.
"""

from rpa.sandbox.client import SandboxAdmin
from rpa.sandbox.data import generate
from rpa.sandbox.server import SandboxProcess, SandboxServer
from rpa.sandbox.settings import Settings
from rpa.sandbox.truth import claim_truth, eligibility_truth, truth_records

__all__ = [
    "SandboxAdmin",
    "SandboxProcess",
    "SandboxServer",
    "Settings",
    "claim_truth",
    "eligibility_truth",
    "generate",
    "truth_records",
]
