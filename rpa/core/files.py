"""Files that hold PHI or session state: owner-only whatever the umask.

Run folders are 0700 and their files 0600; so is the stored-session folder. Writes that must
survive a crash go through a temporary file and an atomic rename.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create a directory only its owner can enter; so is every parent this call creates."""
    path = Path(path)
    if not path.parent.exists():
        private_dir(path.parent)
    if not path.exists():
        path.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(path, DIR_MODE)
    return path


def open_private(path: Path, mode: str = "a", encoding: str | None = "utf-8"):
    """Open a file for writing, created 0600 (explicit chmod, since umask may widen or narrow)."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding=encoding, newline="" if encoding else None)


def write_private_bytes(path: Path, data: bytes) -> None:
    """Atomically replace `path` with `data`, owner-only, durable before returning."""
    path = Path(path)
    private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.tmp")
    with open_private(temporary, "wb", encoding=None) as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def write_private_text(path: Path, text: str) -> None:
    write_private_bytes(path, text.encode("utf-8"))
