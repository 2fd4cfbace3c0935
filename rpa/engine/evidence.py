"""Evidence for failures and needs-human items: screenshot, page HTML, Playwright trace.

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
    portal = session.portal_page
    if portal is not None and not portal.page.is_closed():
        try:
            png = await portal.page.screenshot(full_page=True, timeout=5_000)
            write_private_bytes(folder / "screenshot.png", png)
            saved.append(folder / "screenshot.png")
            html = await portal.page.content()
            write_private_text(folder / "page.html", SECRETS.scrub(html))
            saved.append(folder / "page.html")
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
