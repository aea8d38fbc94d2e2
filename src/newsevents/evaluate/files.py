"""Which files a list of gold paths names: files as given, folders searched for JSON Lines."""

from __future__ import annotations

from pathlib import Path


def gold_jsonl_files(paths: list[str], recursive: bool = True) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(path.rglob("*.jsonl") if recursive else path.glob("*.jsonl"))
        else:
            files.append(path)
    return files
