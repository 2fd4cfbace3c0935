"""What every command shares: turning the engine's errors into messages and exit codes."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from rpa.core.errors import ConfigError, InputError
from rpa.core.locks import RunInProgress

F = TypeVar("F", bound=Callable[..., Any])

console = Console()
err_console = Console(stderr=True)

USAGE_ERROR = 2
BUSY = 4


def reports_errors(command: F) -> F:
    """Configuration and input problems end with one clear line and exit code 2, no traceback; a
    worklist or run another process is working on, with exit code 4."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ConfigError, InputError) as error:
            err_console.print(f"[bold red]error:[/] {error.message}", highlight=False, soft_wrap=True)
            raise typer.Exit(USAGE_ERROR) from None
        except RunInProgress as error:
            err_console.print(f"[bold yellow]busy:[/] {error.message}", highlight=False, soft_wrap=True)
            raise typer.Exit(BUSY) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any, *, one_line: bool = False) -> None:
    """JSON for programs; `one_line` for a record a program reads line by line."""
    sys.stdout.write(json.dumps(data, indent=None if one_line else 2, default=str) + "\n")
