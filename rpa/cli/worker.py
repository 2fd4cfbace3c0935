"""`rpa worker` (look up work items a `rpa run --broker` coordinator enqueues) and `rpa workers`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from rpa.cli.common import console, print_json, reports_errors

BrokerOption = Annotated[
    str,
    typer.Option(
        "--broker",
        envvar="RPA_BROKER_URL",
        show_envvar=True,
        help="Redis URL, e.g. redis://:PASSWORD@HOST:6379/0 (rediss:// for TLS).",
    ),
]


@reports_errors
def worker(
    broker: BrokerOption,
    sessions: Annotated[
        int, typer.Option("--sessions", min=1, help="Items at a time on this machine (sessions are capped per credential).")
    ] = 4,
    name: Annotated[str | None, typer.Option("--name", help="This worker's name (default: HOST-PID).")] = None,
    log: Annotated[Path | None, typer.Option("--log", help="JSON-lines log (default: <state>/workers/<name>.jsonl).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print log events to stderr.")] = False,
) -> None:
    """Take work items from the broker and look them up with this machine's credentials.

    Credentials, portal URLs and limits come from this machine's environment, keyring or secrets
    file, never from the broker. SIGTERM or SIGINT finishes the items in hand, then stops; a
    killed worker's items go to the others within the visibility timeout
    (RPA_VISIBILITY_TIMEOUT, 60 s).
    """
    from rpa.core.settings import load_settings
    from rpa.distributed.worker import serve

    serve(broker, sessions=sessions, settings=load_settings(), name=name, log_path=log, verbose=verbose)


@reports_errors
def workers(
    broker: BrokerOption,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for programs instead of a table.")] = False,
) -> None:
    """The live workers: where they run, what they are doing, and the sessions they hold."""
    from rpa.distributed.broker import connect
    from rpa.distributed.registry import live_workers

    found = live_workers(connect(broker))
    if json_output:
        print_json(found)
        return
    if not found:
        console.print("no live workers")
        return
    table = Table(box=box.SIMPLE)
    for column in ("worker", "host", "pid", "items at a time", "busy", "sessions held", "items done", "last item", "up"):
        table.add_column(column, justify="right" if column in ("pid", "busy", "items done") else "left")
    now = time.time()
    for info in found:
        held = ", ".join(
            f"{portal} {data['sessions']} ({data['busy']} busy, {data['idle']} idle)" for portal, data in info["held"].items()
        )
        last = f"{now - info['last_item_at']:.0f} s ago" if info.get("last_item_at") else "—"
        table.add_row(
            info["name"],
            info["host"],
            str(info["pid"]),
            str(info["sessions"]),
            str(info["busy"]),
            held or "none",
            str(info["items_done"]),
            last,
            f"{(now - info['started_at']) / 60:.0f} min",
        )
    console.print(table)
