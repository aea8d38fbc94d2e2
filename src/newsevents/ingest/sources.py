"""Find the input files behind the paths a user gives: files, folders (recursively), globs, `-` for stdin.

Folders are walked in a stable, sorted order, hidden entries skipped. Symbolic links are followed, but
every real folder is entered once, so a link back up the tree neither loops nor repeats files, and a
linked file whose target the walk reaches anyway is not read twice.
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterable, Iterator

from newsevents.model import IngestError

STDIN = "-"


class _Walk:
    """State of one expansion: the real folders entered and the linked files already given."""

    def __init__(self) -> None:
        self.folders: set[tuple[int, int]] = set()
        self.linked_files: set[tuple[int, int]] = set()


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _listing(folder: str) -> Iterator[str | IngestError]:
    """Visible entries of a folder, sorted; an error in their place when it cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if not entry.name.startswith("."))
    except OSError as exc:
        yield IngestError(folder, f"cannot read folder: {_reason(exc)}")
        return
    for name in names:
        yield os.path.join(folder, name)


def _expand_one(path: str, walk: _Walk, root_real: str) -> Iterator[str | IngestError]:
    """The files at `path` (a file, or a folder walked depth-first without recursion limits)."""
    pending: list[Iterator[str | IngestError]] = [iter([path])]
    while pending:
        entry = next(pending[-1], None)
        if entry is None:
            pending.pop()
            continue
        if isinstance(entry, IngestError):
            yield entry
            continue
        try:
            info = os.stat(entry)  # follows links
        except FileNotFoundError:
            yield IngestError(entry, "broken symbolic link" if os.path.islink(entry) else "no such file or folder")
            continue
        except OSError as exc:  # a link that points at itself, a folder without search permission
            yield IngestError(entry, f"cannot read: {_reason(exc)}")
            continue
        key = (info.st_dev, info.st_ino)
        if stat.S_ISDIR(info.st_mode):
            if key not in walk.folders:
                walk.folders.add(key)
                pending.append(_listing(entry))
        elif stat.S_ISREG(info.st_mode):
            if entry != path and os.path.islink(entry):
                if os.path.realpath(entry).startswith(root_real + os.sep) or key in walk.linked_files:
                    continue  # the walk reaches (or reached) the target under its own name
                walk.linked_files.add(key)
            yield entry
        else:
            yield IngestError(entry, "not a regular file")


def expand_paths(paths: Iterable[str]) -> Iterator[str | IngestError]:
    """Yield input files in a stable order (or `-` for stdin), with an error for each path that fails."""
    walk = _Walk()
    for raw in paths:
        if raw == STDIN:
            yield raw
            continue
        if any(ch in raw for ch in "*?[") and not os.path.exists(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield IngestError(raw, "no file matches this pattern")
            for match in matches:
                yield from _expand_one(match, walk, os.path.realpath(match))
            continue
        yield from _expand_one(raw, walk, os.path.realpath(raw))
