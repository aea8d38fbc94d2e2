"""Where an export goes: standard output, or a file written beside its target and renamed into place at
the end, so that a failed or interrupted export never leaves a half-written file under the target name."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

STDOUT = "-"


class ExportError(Exception):
    """An export that cannot be done; the message, one line, is for the user."""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_target(output: str, database: str | None) -> None:
    """Refuse targets that cannot work before any query runs: a directory, or the database itself."""
    if output == STDOUT:
        return
    path = Path(output)
    if path.is_dir():
        raise ExportError(f"cannot write {output}: it is a directory (give a file name)")
    if database and path.resolve() == Path(database).resolve():
        raise ExportError(f"refusing to write the export over the database {database}")


@contextmanager
def open_target(output: str) -> Iterator[BinaryIO]:
    """A binary stream for the export; a file appears under its name only once everything is written."""
    if output == STDOUT:
        sys.stdout.flush()
        sink = sys.stdout.buffer
        yield sink
        sink.flush()
        return
    path = Path(output)
    existing = next(p for p in (path.parent, *path.parent.parents) if p.exists() or p == p.parent)
    if existing.exists() and not existing.is_dir():
        raise ExportError(f"cannot write {output}: {existing} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create the directory {path.parent} for {output}: {_reason(exc)}") from None
    part = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        # os.open with 0o666 lets the umask decide the mode, as for any new file (mkstemp would give 0600)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise ExportError(f"cannot write {output}: {_reason(exc)}") from None
    sink = os.fdopen(fd, "wb", buffering=1 << 20)
    try:
        yield sink
        sink.close()
        os.replace(part, path)
    except BaseException as exc:
        try:
            sink.close()
        except OSError:
            pass
        part.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise ExportError(f"cannot write {output}: {_reason(exc)}") from None
        raise
