"""A plain (not editable) install carries every portal's flow with its YAML, the scaffold's
templates and the sandboxes' pages: the wheel holds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_flows_maps_cases_templates_and_sandbox_pages(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for portal in ("sandbox", "clearinghouse"):
        for name in ("flow.py", "selectors.yaml", "wording.yaml", "cases.yaml"):
            assert f"rpa/flows/{portal}/{name}" in names
    assert {f"rpa/flows/clearinghouse/payers/{payer}.yaml" for payer in ("summit", "lakeshore", "prairie")} <= names
    assert {f"rpa/payers/templates/{name}.tmpl" for name in ("flow.py", "selectors.yaml", "wording.yaml", "cases.yaml")} <= names
    assert "rpa/sandbox/clearinghouse/templates/claim_detail.html" in names and "rpa/sandbox/templates/login.html" in names
    assert "rpa/runs/report/report.html.j2" in names and "rpa/runs/followup_actions.yaml" in names
    assert {"rpa/console/templates/followup.html", "rpa/console/static/console.css", "rpa/console/static/console.js"} <= names
