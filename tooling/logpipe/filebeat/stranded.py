"""Find files Filebeat has stopped reading although complete lines remain unread, and restart it to resume them.

Why: filestream cancels a reader after `close.on_state_change.inactive` without a read, and a reader blocked by
backpressure (the output down) does not read: it leaves as soon as its publish returns, at the heal. A file is
reopened only when the scanner sees it change (or on start), so a file that no longer changes after an outage (a
rotated one, or a live one whose writer went quiet) keeps its unread tail until Filebeat restarts (fault scenario
7: 39,933 of 63,250 lines stranded after a 10-minute logmaster outage). A start reopens every file from its
registry offset; the lines in flight are resent, none are lost.

A file counts as stranded when all of these hold:
- its registry entry (same identity: fingerprint or inode-device) has an offset below the last newline;
- Filebeat's process does not hold it open;
- it has not changed for `grace` seconds and Filebeat has run at least that long (a changed file is picked up by
  the scanner on its own; a new process scans first).

Only files of a configured input whose paths still match are considered (a removed input's old entries are not
Filebeat's to read). Standard library only: the filebeat role copies this one file to every producer, with a JSON
config (`Config`), and a systemd timer runs it.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

CHECKPOINT_NAME = re.compile(r"^(\d+)\.json$")
READ_CHUNK = 1 << 16


@dataclass(frozen=True)
class Config:
    """What the role writes to JSON (roles/filebeat/tasks/stranded_check.yml)."""

    registry: Path  # <path.data>/registry/filebeat
    inputs: dict[str, list[str]]  # filestream input id -> its path globs
    unit: str = "filebeat"
    grace_s: float = 30.0
    fingerprint_offset: int = 0
    fingerprint_length: int = 1024

    @classmethod
    def load(cls, path: Path) -> Config:
        raw = json.loads(path.read_text())
        return cls(Path(raw["registry"]), {str(k): list(v) for k, v in raw["inputs"].items()},
                   raw.get("unit", "filebeat"), float(raw.get("grace_s", 30)),
                   int(raw.get("fingerprint_offset", 0)), int(raw.get("fingerprint_length", 1024)))


@dataclass(frozen=True)
class Cursor:
    """One file's read state from the registry: where it was seen and up to which byte its lines were ACKed."""

    key: str
    input_id: str
    source: str
    offset: int
    identity: str  # "fingerprint::<sha256 hex>" or "native::<inode>-<device>"


@dataclass(frozen=True)
class FileView:
    """What is on disk at a cursor's source path."""

    size: int
    mtime: float
    device: int
    inode: int
    fingerprint: str | None  # sha256 hex of the fingerprint window, None when the file is shorter than it
    unread_complete_line: bool  # a newline exists after the cursor's offset

    def held_by(self, held: set[tuple[int, int]]) -> bool:
        return (self.device, self.inode) in held


@dataclass(frozen=True)
class Stranded:
    source: str
    offset: int
    size: int
    idle_s: float

    def describe(self) -> str:
        return (f"{self.source}: {self.size - self.offset} bytes after offset {self.offset} unread, "
                f"unchanged for {self.idle_s:.0f}s and not open")


# Registry ---------------------------------------------------------------------------------------------------------

def load_registry(home: Path) -> dict[str, dict]:
    """The key/value state of a memlog registry directory (`<path.data>/registry/filebeat`): the newest
    checkpoint `<txid>.json`, then each operation of `log.json` that follows it. A torn last operation (Filebeat
    writing at that moment) ends the log, as it does for Filebeat itself. No directory yet: no state."""
    if not home.is_dir():
        return {}
    checkpoints = sorted(
        (int(match.group(1)), entry) for entry in home.iterdir() if (match := CHECKPOINT_NAME.match(entry.name)))
    state: dict[str, dict] = {}
    txid = 0
    if checkpoints:
        txid, newest = checkpoints[-1]
        for item in json.loads(newest.read_text()):
            key = item.pop("_key", None)
            if isinstance(key, str):
                state[key] = item
    log = home / "log.json"
    if log.exists():
        apply_log(state, txid, log.read_text().splitlines())
    return state


def apply_log(state: dict[str, dict], txid: int, lines: list[str]) -> None:
    """Apply `{"op": ..., "id": N}` + `{"k": ..., "v": ...}` pairs with ids after `txid`, in order."""
    for index in range(0, len(lines) - 1, 2):  # a lone last line is a torn write
        try:
            action, body = json.loads(lines[index]), json.loads(lines[index + 1])
        except json.JSONDecodeError:
            return
        if action.get("id", 0) <= txid:
            continue  # already in the checkpoint (the log is truncated lazily)
        # Filebeat writes "k"/"v"; its reader (Go's encoding/json) takes any case, as in its own test data.
        key, value = body.get("k", body.get("K")), body.get("v", body.get("V"))
        if action.get("op") == "set":
            state[key] = value
        elif action.get("op") == "remove":
            state.pop(key, None)


def filestream_cursors(state: Mapping[str, dict]) -> list[Cursor]:
    """The filestream entries that name a file and have an ACKed offset."""
    cursors = []
    for key, value in state.items():
        parts = key.split("::")
        if parts[0] != "filestream" or len(parts) < 4:
            continue
        source = (value.get("meta") or {}).get("source")
        offset = (value.get("cursor") or {}).get("offset")
        if isinstance(source, str) and isinstance(offset, int):
            cursors.append(Cursor(key, parts[1], source, offset, "::".join(parts[-2:])))
    return cursors


# Files ------------------------------------------------------------------------------------------------------------

def view_file(path: str, offset: int, fingerprint_offset: int, fingerprint_length: int) -> FileView | None:
    """Stat the file and read what the decision needs: its fingerprint window and whether a newline follows
    `offset` (an unterminated last line is still being written; Filebeat would not ship it either)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            handle.seek(fingerprint_offset)
            window = handle.read(fingerprint_length)
            fingerprint = hashlib.sha256(window).hexdigest() if len(window) == fingerprint_length else None
            return FileView(info.st_size, info.st_mtime, info.st_dev, info.st_ino, fingerprint,
                            _newline_after(handle, offset))
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        return None


def _newline_after(handle, offset: int) -> bool:
    handle.seek(offset)
    while chunk := handle.read(READ_CHUNK):
        if b"\n" in chunk:
            return True
    return False


def same_file(cursor: Cursor, view: FileView) -> bool:
    """Whether the file now at the cursor's path is the one the cursor belongs to (paths are reused by rotation)."""
    kind, _, value = cursor.identity.partition("::")
    if kind == "fingerprint":
        return view.fingerprint == value
    if kind == "native":
        return value == f"{view.inode}-{view.device}"
    return False  # another identity: cannot tell, so never act on it


def open_files(pid: int) -> set[tuple[int, int]]:
    """(device, inode) of every regular file the process holds open."""
    held = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for entry in fd_dir.iterdir():
        try:
            info = entry.stat()
        except OSError:
            continue  # closed meanwhile, or not a file
        held.add((info.st_dev, info.st_ino))
    return held


def process_age_s(pid: int) -> float:
    """Seconds since the process started (kernel clock ticks since boot, like /proc/uptime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    started_s = int(fields[19]) / os.sysconf("SC_CLK_TCK")
    uptime_s = float(Path("/proc/uptime").read_text().split()[0])
    return uptime_s - started_s


# Decision ---------------------------------------------------------------------------------------------------------

def matched_paths(inputs: Mapping[str, list[str]]) -> dict[str, set[str]]:
    """Per input id, the files its globs match now (Filebeat expands them the same way: `*` stops at `/`)."""
    return {input_id: {path for pattern in patterns for path in glob.glob(pattern)}
            for input_id, patterns in inputs.items()}


def input_cursors(cursors: Iterable[Cursor], matched: Mapping[str, set[str]]) -> list[Cursor]:
    """The cursors of files their input matches now; the others (a removed input's, a path no glob matches any
    more) are not Filebeat's to read, after a restart either."""
    return [cursor for cursor in cursors if cursor.source in matched.get(cursor.input_id, ())]


def find_stranded(cursors: Iterable[Cursor], views: Mapping[str, FileView | None], held: set[tuple[int, int]],
                  now: float, grace_s: float, shipper_age_s: float) -> list[Stranded]:
    """The cursors (of input files) whose file has complete unread lines that the running Filebeat will not read
    by itself."""
    if shipper_age_s < grace_s:
        return []  # a fresh process opens every file on its first scan
    stranded = []
    for cursor in cursors:
        view = views.get(cursor.key)
        if view is None or not same_file(cursor, view):
            continue
        idle_s = now - view.mtime
        if view.size > cursor.offset and view.unread_complete_line and idle_s >= grace_s and not view.held_by(held):
            stranded.append(Stranded(cursor.source, cursor.offset, view.size, idle_s))
    return stranded


@dataclass(frozen=True)
class Observation:
    """Every considered file (its cursor and what is on disk) and the ones found stranded."""

    files: list[tuple[Cursor, FileView | None, bool]]  # cursor, view, held open by the shipper
    stranded: list[Stranded]

    def listing(self) -> list[dict]:
        """One JSON-ready row per file: what `--list` prints for an operator (or a test) to read."""
        stranded = {item.source for item in self.stranded}
        return [{"source": cursor.source, "input": cursor.input_id, "offset": cursor.offset,
                 "size": None if view is None else view.size, "same_file": view is not None and same_file(cursor, view),
                 "held_open": held, "stranded": cursor.source in stranded}
                for cursor, view, held in self.files]


def observe(config: Config, pid: int) -> Observation:
    cursors = input_cursors(filestream_cursors(load_registry(config.registry)), matched_paths(config.inputs))
    views = {c.key: view_file(c.source, c.offset, config.fingerprint_offset, config.fingerprint_length)
             for c in cursors}
    held = open_files(pid)
    stranded = find_stranded(cursors, views, held, time.time(), config.grace_s, process_age_s(pid))
    files = [(c, views[c.key], views[c.key] is not None and views[c.key].held_by(held)) for c in cursors]
    return Observation(files, stranded)


# Command ----------------------------------------------------------------------------------------------------------

def main_pid(unit: str) -> int:
    shown = subprocess.run(["systemctl", "show", "--property=MainPID", "--value", unit],
                           check=True, capture_output=True, text=True)
    return int(shown.stdout.strip() or 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, required=True, help="JSON: registry, inputs, grace_s, fingerprint_*")
    parser.add_argument("--restart", action="store_true", help="restart the unit when a file is stranded")
    parser.add_argument("--list", action="store_true", help="print every input file's state as a JSON line")
    args = parser.parse_args(argv)
    config = Config.load(args.config)
    pid = main_pid(config.unit)
    if pid == 0:
        print(f"{config.unit} is not running; nothing to check")
        return 0
    observation = observe(config, pid)
    if args.list:
        for row in observation.listing():
            print(json.dumps(row))
    for item in observation.stranded:
        print(f"stranded: {item.describe()}")
    if observation.stranded and args.restart:
        print(f"restarting {config.unit} so that it reopens {len(observation.stranded)} file(s) from their "
              "registry offsets")
        subprocess.run(["systemctl", "restart", config.unit], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
