"""Poll a folder tree for files that have arrived or changed and stopped growing (`newsevents watch`).

A file is taken once its size and modification time are the same on two polls in a row, so a file still
being written (copied, downloaded, appended to) is not read half-way. Each file is taken once per
(size, mtime): a file that was read, or failed, is looked at again only when it changes. What was taken
is kept in memory only; across restarts the store's idempotence by article id keeps re-read files from
being stored twice.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from newsevents.model import IngestError

# Names that download tools, editors and copy programs give to files they have not finished writing.
# Hidden names (".part-xyz", rsync's ".name.Ab12Cd") are skipped as well, as `ingest` skips them.
TEMPORARY_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", "~")


@dataclass(frozen=True)
class _Seen:
    size: int
    mtime_ns: int


class DirectoryWatcher:
    """Finds the files under `root` that are new or changed since they were last taken, and stable.

    `ignore(path)` leaves a path out (the database the watcher writes to, when it lies in the tree).
    """

    def __init__(self, root: str, ignore: Callable[[str], bool] | None = None) -> None:
        self.root = root
        self.ignore = ignore or (lambda path: False)
        self._candidates: dict[str, _Seen] = {}  # seen once in this state, waiting for a second look
        self._taken: dict[str, _Seen] = {}  # the state each file was in when it was taken
        self._reported: set[str] = set()  # folders whose listing failed, reported once until it works again

    def poll(self) -> Iterator[str | IngestError]:
        """Scan the tree once; yield the files that are stable and not yet taken in this state (they
        count as taken from then on), and an error for a folder that cannot be listed."""
        present: dict[str, _Seen] = {}
        for item in self._scan():
            if isinstance(item, IngestError):
                yield item
                continue
            path, seen = item
            present[path] = seen
        for path, seen in present.items():
            if self._taken.get(path) == seen:
                continue
            if self._candidates.get(path) == seen and seen.size > 0:  # an empty file is likely just created
                del self._candidates[path]
                self._taken[path] = seen
                yield path
            else:
                self._candidates[path] = seen
        # forget deleted files: memory follows the tree, and a file put back later is read again
        self._candidates = {p: s for p, s in self._candidates.items() if p in present}
        self._taken = {p: s for p, s in self._taken.items() if p in present}

    def pending(self) -> int:
        """Files seen changing, not taken yet."""
        return len(self._candidates)

    def _scan(self) -> Iterator[tuple[str, _Seen] | IngestError]:
        """Every visible regular file under the root, in a stable order; each real folder entered once
        (symbolic links are followed, loops are not)."""
        folders: set[tuple[int, int]] = set()
        stack = [self.root]
        while stack:
            folder = stack.pop()
            try:
                info = os.stat(folder)
                if (info.st_dev, info.st_ino) in folders:
                    continue
                folders.add((info.st_dev, info.st_ino))
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as exc:
                if folder not in self._reported:
                    self._reported.add(folder)
                    yield IngestError(folder, f"cannot read folder: {exc.strerror or exc}")
                continue
            self._reported.discard(folder)
            subfolders = []
            for entry in entries:
                if entry.name.startswith(".") or entry.name.endswith(TEMPORARY_SUFFIXES) or self.ignore(entry.path):
                    continue
                try:
                    st = entry.stat()  # follows symbolic links
                except OSError:
                    continue  # a broken link, or a file removed since the listing
                if stat.S_ISDIR(st.st_mode):
                    subfolders.append(entry.path)
                elif stat.S_ISREG(st.st_mode):
                    yield entry.path, _Seen(st.st_size, st.st_mtime_ns)
            stack.extend(reversed(subfolders))  # depth-first, in name order
