"""An altered copy of the clearinghouse flow: one selector changed, as a portal of its own."""

from __future__ import annotations

import os
import re

import pytest

from rpa.flows.clearinghouse.flow import ClearinghouseFlow
from rpa.payers.registry import discover, selector_map_for, wording_maps_for


@pytest.fixture
def altered_flow(tmp_path, monkeypatch):
    """The clearinghouse flow with one selector changed, as an out-of-tree flow of another portal id."""

    def install(element: str, spec: str) -> str:
        folder = tmp_path / "more-flows" / "clearinghouse_altered"
        (folder / "payers").mkdir(parents=True)
        original = ClearinghouseFlow.folder()
        selectors = (original / "selectors.yaml").read_text()
        block = re.compile(rf"^  {re.escape(element)}:\n(    - .*\n)+", re.M)
        assert block.search(selectors), element
        (folder / "selectors.yaml").write_text(block.sub(f"  {element}:\n    - {spec}\n", selectors))
        (folder / "wording.yaml").write_text((original / "wording.yaml").read_text())
        cases = re.sub(r"payer: (summit|lakeshore|prairie)\b", r"payer: \1_altered", (original / "cases.yaml").read_text())
        (folder / "cases.yaml").write_text(cases)
        for payer in ("summit", "lakeshore", "prairie"):
            (folder / "payers" / f"{payer}.yaml").write_text((original / "payers" / f"{payer}.yaml").read_text())
        (folder / "flow.py").write_text(
            "from rpa.flows.clearinghouse.flow import ClearinghouseFlow\n"
            "from rpa.payers.flow import Payer\n\n\n"
            "class Altered(ClearinghouseFlow):\n"
            "    portal_id = 'clearinghouse_altered'\n"
            "    payers = tuple(\n"
            "        Payer(p.id + '_altered', p.name, wording=p.wording, facts=p.facts) for p in ClearinghouseFlow.payers\n"
            "    )\n"
        )
        monkeypatch.setenv("RPA_FLOWS_PATH", str(folder.parent))
        for name in ("URL", "USERNAME", "PASSWORD", "TOTP_SECRET", "SECURITY_ANSWER"):
            monkeypatch.setenv(f"RPA_CLEARINGHOUSE_ALTERED_{name}", os.environ[f"RPA_CLEARINGHOUSE_{name}"])
        for cached in (discover, selector_map_for, wording_maps_for):
            cached.cache_clear()
        return "_altered"

    yield install
    for cached in (discover, selector_map_for, wording_maps_for):
        cached.cache_clear()
