"""The sandbox payer portal: a local, seeded provider portal for the demo, tests and benchmarks.

See docs/sandbox-portal.md for the contract its pages, JSON and ground truth keep.
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
