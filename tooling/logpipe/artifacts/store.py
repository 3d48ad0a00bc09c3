"""The artifact directory: the artifacts, `manifest.json` and `SHA256SUMS`, written atomically under a lock."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from logpipe.artifacts.checksums import format_sums, sha256_file
from logpipe.errors import LogpipeError

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
LOCK = ".build.lock"


@dataclass(frozen=True)
class Record:
    """One built artifact as the manifest records it."""

    name: str
    version: str
    file: str
    sha256: str
    size: int
    built_from: str
    recipe_key: str

    def to_json(self) -> dict:
        data = asdict(self)
        del data["name"]
        return data

    @classmethod
    def from_json(cls, name: str, data: dict, source: str) -> Record:
        missing = [f for f in ("version", "file", "sha256", "built_from", "recipe_key") if f not in data]
        if missing:
            raise LogpipeError(f"{source}: entry {name!r} lacks field(s) {', '.join(missing)}; rebuild with "
                               f"`logpipe artifacts build --only {name} --force`")
        return cls(name=name, version=str(data["version"]), file=str(data["file"]), sha256=str(data["sha256"]),
                   size=int(data.get("size", 0)), built_from=str(data["built_from"]),
                   recipe_key=str(data["recipe_key"]))


def read_records(directory: Path) -> dict[str, Record]:
    path = directory / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise LogpipeError(f"{path} is not valid JSON ({exc}); delete it and run `logpipe artifacts build`") from exc
    if not isinstance(data, dict):
        raise LogpipeError(f"{path} must hold an object of name -> artifact")
    return {name: Record.from_json(name, entry, str(path)) for name, entry in sorted(data.items())}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_records(directory: Path, records: dict[str, Record]) -> None:
    """Write manifest.json and SHA256SUMS for exactly `records` (sorted, so the output is deterministic)."""
    manifest = {name: records[name].to_json() for name in sorted(records)}
    _write_atomic(directory / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    _write_atomic(directory / SUMS, format_sums({r.file: r.sha256 for r in records.values()}))


def is_current(directory: Path, record: Record | None, key: str) -> bool:
    """True when `record` was built from recipe `key` and its file is still there with its recorded size.

    The full sha256 is checked by `verify`, not here, so that a warm cache answers in milliseconds.
    """
    if record is None or record.recipe_key != key:
        return False
    path = directory / record.file
    return path.is_file() and path.stat().st_size == record.size


def record_for(directory: Path, name: str, version: str, file: str, built_from: str, key: str) -> Record:
    path = directory / file
    return Record(name=name, version=version, file=file, sha256=sha256_file(path), size=path.stat().st_size,
                  built_from=built_from, recipe_key=key)


@contextlib.contextmanager
def build_lock(directory: Path, announce) -> Iterator[None]:
    """Serialise builds into one artifact directory across processes (several clones share the cache)."""
    lock_path = directory / LOCK
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            announce(f"waiting for the build running in {holder} to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
