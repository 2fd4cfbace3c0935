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

F = TypeVar("F", bound=Callable[..., Any])

console = Console()
err_console = Console(stderr=True)

USAGE_ERROR = 2


def reports_errors(command: F) -> F:
    """Configuration and input problems end with one clear line and exit code 2, no traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ConfigError, InputError) as error:
            err_console.print(f"[bold red]error:[/] {error.message}", highlight=False, soft_wrap=True)
            raise typer.Exit(USAGE_ERROR) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
