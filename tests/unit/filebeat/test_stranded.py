"""The stranded-file check: registry reading, file identity, and when a file's unread tail needs a restart."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from logpipe.filebeat import stranded
from logpipe.filebeat.durations import duration_seconds
from logpipe.errors import LogpipeError

FP_LENGTH = 64
INPUT = "lab-access"


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()[:FP_LENGTH]).hexdigest()


def entry(source: Path, offset: int, identity: str) -> dict:
    return {"ttl": -1, "updated": [0, 0], "cursor": {"offset": offset},
            "meta": {"source": str(source), "identifier_name": identity.split("::")[0]}}


def write_registry(home: Path, checkpoint: dict[str, dict], txid: int, log_ops: list[tuple[str, int, str, dict]]):
    """A memlog directory as Filebeat leaves it: meta.json, `<txid>.json`, log.json of op/body line pairs."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "meta.json").write_text('{"version": "1"}')
    (home / f"{txid}.json").write_text(json.dumps([{"_key": k, **v} for k, v in checkpoint.items()]))
    lines = []
    for op, op_id, key, value in log_ops:
        lines.append(json.dumps({"op": op, "id": op_id}))
        lines.append(json.dumps({"k": key, "v": value} if op == "set" else {"k": key}))
    (home / "log.json").write_text("\n".join(lines) + "\n")


def log_file(path: Path, lines: int, tail: str = "") -> Path:
    path.write_text("".join(f"line {i:04d} " + "x" * 40 + "\n" for i in range(lines)) + tail)
    return path


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def config(tmp_path: Path, patterns: list[str], grace_s: float = 60) -> stranded.Config:
    return stranded.Config(tmp_path / "registry", {INPUT: patterns}, grace_s=grace_s,
                           fingerprint_length=FP_LENGTH)


# Registry ---------------------------------------------------------------------------------------------------------

def test_the_log_applies_on_top_of_the_newest_checkpoint_and_skips_ops_it_already_holds(tmp_path):
    home = tmp_path / "registry"
    write_registry(home, {"a": {"cursor": {"offset": 1}}}, 5, [
        ("set", 4, "a", {"cursor": {"offset": 999}}),  # older than the checkpoint: ignored
        ("set", 6, "a", {"cursor": {"offset": 7}}),
        ("set", 7, "b", {"cursor": {"offset": 3}}),
        ("remove", 8, "b", {}),
    ])
    (home / "2.json").write_text(json.dumps([{"_key": "stale", "cursor": {"offset": 1}}]))
    assert stranded.load_registry(home) == {"a": {"cursor": {"offset": 7}}}


def test_capitalised_keys_as_in_filebeats_own_test_data_read_the_same(tmp_path):
    home = tmp_path / "registry"
    write_registry(home, {}, 1, [])
    (home / "log.json").write_text('{"op":"set","id":2}\n{"K":"a","V":{"cursor":{"offset":5}}}\n')
    assert stranded.load_registry(home) == {"a": {"cursor": {"offset": 5}}}


def test_a_torn_last_operation_ends_the_log(tmp_path):
    home = tmp_path / "registry"
    write_registry(home, {}, 1, [("set", 2, "a", {"cursor": {"offset": 5}})])
    with (home / "log.json").open("a") as log:
        log.write('{"op":"set","id":3}\n{"K":"a","V":{"cur')
    assert stranded.load_registry(home) == {"a": {"cursor": {"offset": 5}}}


def test_no_registry_yet_is_no_state(tmp_path):
    assert stranded.load_registry(tmp_path / "missing") == {}


def test_cursors_are_filestream_entries_with_a_source_and_an_offset(tmp_path):
    state = {
        f"filestream::{INPUT}::fingerprint::abc": entry(tmp_path / "a.log", 10, "fingerprint::abc"),
        f"filestream::{INPUT}::native::12-34": {"cursor": None, "meta": {"source": "/x"}},  # nothing ACKed yet
        "filebeat::logs::native::1-2": {"offset": 5, "source": "/old-log-input"},
    }
    assert stranded.filestream_cursors(state) == [
        stranded.Cursor(f"filestream::{INPUT}::fingerprint::abc", INPUT, str(tmp_path / "a.log"), 10,
                        "fingerprint::abc")]


# Decision ---------------------------------------------------------------------------------------------------------

def scene(tmp_path: Path, lines: int = 10, acked_lines: int = 4, tail: str = "", idle_s: float = 120):
    path = log_file(tmp_path / "access-r1.log", lines, tail)
    age(path, idle_s)
    offset = acked_lines * 51
    cursor = stranded.Cursor(f"filestream::{INPUT}::fingerprint::{fingerprint(path)}", INPUT, str(path), offset,
                             f"fingerprint::{fingerprint(path)}")
    view = stranded.view_file(str(path), offset, 0, FP_LENGTH)
    return path, cursor, view


def decide(cursor, view, path, held=frozenset(), grace_s=60, shipper_age_s=600, matched=None):
    matched = {INPUT: {str(path)}} if matched is None else matched
    return stranded.find_stranded(stranded.input_cursors([cursor], matched), {cursor.key: view}, set(held),
                                  time.time(), grace_s, shipper_age_s)


def test_a_closed_idle_file_with_unread_lines_is_stranded(tmp_path):
    path, cursor, view = scene(tmp_path)
    [found] = decide(cursor, view, path)
    assert (found.source, found.offset, found.size) == (str(path), 4 * 51, 10 * 51)
    assert "306 bytes after offset 204 unread" in found.describe()


def test_a_file_filebeat_holds_open_is_being_read(tmp_path):
    path, cursor, view = scene(tmp_path)
    assert decide(cursor, view, path, held={(view.device, view.inode)}) == []


def test_a_fully_read_file_is_not_stranded(tmp_path):
    path, cursor, view = scene(tmp_path, acked_lines=10)
    assert decide(cursor, view, path) == []


def test_an_unterminated_last_line_does_not_count(tmp_path):
    path, cursor, view = scene(tmp_path, acked_lines=10, tail="half a line without its newl")
    assert view.size > cursor.offset and not view.unread_complete_line
    assert decide(cursor, view, path) == []


def test_a_recently_changed_file_is_left_to_the_scanner(tmp_path):
    path, cursor, view = scene(tmp_path, idle_s=5)
    assert decide(cursor, view, path, grace_s=60) == []


def test_nothing_is_stranded_while_filebeat_has_just_started(tmp_path):
    path, cursor, view = scene(tmp_path)
    assert decide(cursor, view, path, grace_s=60, shipper_age_s=30) == []


def test_another_file_on_the_cursors_path_is_not_the_cursors_file(tmp_path):
    path, cursor, _ = scene(tmp_path)
    log_file(path, 20).write_text("other content " * 20 + "\n")  # rotation reused the name
    age(path, 120)
    view = stranded.view_file(str(path), cursor.offset, 0, FP_LENGTH)
    assert decide(cursor, view, path) == []


def test_files_no_input_matches_any_more_are_not_filebeats_to_read(tmp_path):
    path, cursor, view = scene(tmp_path)
    assert decide(cursor, view, path, matched={INPUT: set()}) == []
    assert decide(cursor, view, path, matched={"another-input": {str(path)}}) == []


def test_native_identity_is_inode_and_device(tmp_path):
    path, cursor, view = scene(tmp_path)
    native = stranded.Cursor(cursor.key, INPUT, cursor.source, cursor.offset, f"native::{view.inode}-{view.device}")
    assert decide(native, view, path)
    wrong = stranded.Cursor(cursor.key, INPUT, cursor.source, cursor.offset, f"native::{view.inode + 1}-{view.device}")
    assert decide(wrong, view, path) == []


def test_a_short_file_has_no_fingerprint_yet(tmp_path):
    path = log_file(tmp_path / "tiny.log", 1)
    assert stranded.view_file(str(path), 0, 0, 1024).fingerprint is None
    assert stranded.view_file(str(tmp_path / "gone.log"), 0, 0, 1024) is None


# The whole check against this process's own open files --------------------------------------------------------------

def test_observe_finds_the_file_only_once_its_reader_has_closed_it(tmp_path):
    path = log_file(tmp_path / "access-r1.log", 10)
    age(path, 120)
    key = f"filestream::{INPUT}::fingerprint::{fingerprint(path)}"
    write_registry(tmp_path / "registry", {key: entry(path, 51, f"fingerprint::{fingerprint(path)}")}, 1, [])
    cfg = config(tmp_path, [str(tmp_path / "access*.log")], grace_s=0)
    with path.open("rb"):  # this process plays Filebeat holding the reader open
        held = stranded.observe(cfg, os.getpid())
        assert held.stranded == []
        assert held.listing() == [{"source": str(path), "input": INPUT, "offset": 51, "size": 510, "same_file": True,
                                   "held_open": True, "stranded": False}]
    [found] = stranded.observe(cfg, os.getpid()).stranded
    assert found.source == str(path) and found.size - found.offset == 9 * 51


def test_the_config_file_the_role_renders_loads(tmp_path):
    (tmp_path / "c.json").write_text(json.dumps({
        "registry": "/var/lib/filebeat/registry/filebeat", "inputs": {INPUT: ["/var/log/app/access*.log"]},
        "unit": "filebeat", "grace_s": "60", "fingerprint_offset": 0, "fingerprint_length": 1024}))
    loaded = stranded.Config.load(tmp_path / "c.json")
    assert loaded == stranded.Config(Path("/var/lib/filebeat/registry/filebeat"),
                                     {INPUT: ["/var/log/app/access*.log"]}, "filebeat", 60.0, 0, 1024)


# Durations --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "seconds"), [("10s", 10), ("5m", 300), ("72h", 259200), ("2d", 172800),
                                               (90, 90), ("90", 90), (0, 0)])
def test_filebeat_durations_in_seconds(value, seconds):
    assert duration_seconds(value, "filebeat_scan_frequency") == seconds


def test_a_bad_duration_names_the_variable():
    with pytest.raises(LogpipeError, match="filebeat_scan_frequency"):
        duration_seconds("soon", "filebeat_scan_frequency")
