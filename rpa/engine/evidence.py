"""Evidence for failures and needs-human items: a screenshot and the HTML of every open window
(the page and its pop-ups), and the Playwright trace.

Written only when an item did not end well, into `artifacts/<item>/`. Every file passes through
the secret scrubber first: page HTML and the trace archive (whose network log would otherwise
carry session cookies) have known secret values replaced before they reach the run folder.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from rpa.core.files import write_private_bytes, write_private_text
from rpa.core.logs import SECRETS, get_logger

if TYPE_CHECKING:
    from rpa.engine.sessions import PortalSession


async def capture(session: PortalSession, folder: Path, run_dir: Path, *, api_mode: bool) -> list[str]:
    """Save what the session shows now; returns paths relative to the run folder."""
    saved: list[Path] = []
    log = get_logger()
    if api_mode and session.portal_api is not None and session.portal_api.last_response is not None:
        path = folder / "api-response.json"
        write_private_text(path, SECRETS.scrub(json.dumps(session.portal_api.last_response, indent=2, default=str)))
        saved.append(path)
    windows = session.portal_page.all_windows() if session.portal_page is not None else []
    for number, window in enumerate(windows, start=1):
        if window.page.is_closed():
            continue
        suffix = "" if number == 1 else f"-window-{number}"
        try:
            png = await window.page.screenshot(full_page=True, timeout=5_000)
            write_private_bytes(folder / f"screenshot{suffix}.png", png)
            saved.append(folder / f"screenshot{suffix}.png")
            html = await window.page.content()
            write_private_text(folder / f"page{suffix}.html", SECRETS.scrub(html))
            saved.append(folder / f"page{suffix}.html")
        except Exception as error:  # a crashed page still gets its trace below
            log.warning("evidence_partial", problem=str(error)[:200])
    trace = folder / "trace.zip"
    if await session.stop_trace_chunk(trace) and trace.exists():
        scrub_zip(trace)
        saved.append(trace)
    return [str(path.relative_to(run_dir)) for path in saved]


def scrub_zip(path: Path) -> None:
    """Rewrite a trace archive with every known secret value replaced."""
    source = path.read_bytes()
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as archive, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as clean:
        for entry in archive.infolist():
            clean.writestr(entry, SECRETS.scrub_bytes(archive.read(entry.filename)))
    write_private_bytes(path, output.getvalue())
