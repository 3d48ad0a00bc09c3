"""The programs the lab and the fault suite run on container hosts, run here with a bare python3 (`-I`: no
site-packages, as on a Debian host) through the same `-c` text that `run_python` sends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from logpipe.lab.hosts import host_program

PROGRAMS = [("logpipe.lab.remote", "write_lines"), ("logpipe.lab.remote", "dead_letter_probe"),
            ("logpipe.faults.remote", "filebeat_acked"), ("logpipe.faults.remote", "oversized_line"),
            ("logpipe.faults.remote", "reuse_inode"), ("logpipe.faults.remote", "long_writer")]


def run(package: str, name: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-I", "-c", host_program(package, name), *args], capture_output=True,
                          text=True, check=True, timeout=60)
    return proc.stdout.strip()


@pytest.mark.parametrize(("package", "name"), PROGRAMS)
def test_every_program_uses_the_standard_library_only(package: str, name: str) -> None:
    source = host_program(package, name)
    compile(source, name, "exec")
    imported = {line.split()[1].split(".")[0] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def test_write_lines_appends_sequence_numbered_lines(tmp_path: Path) -> None:
    path = tmp_path / "app" / "access.log"
    run("logpipe.lab.remote", "write_lines", "h1", str(path), "5", "3", "400", "0")
    lines = path.read_text().splitlines()
    assert [line.split("|")[:3] for line in lines] == [["h1", str(path), str(seq)] for seq in (5, 6, 7)]
    assert {len(line) for line in lines} == {400}


def test_dead_letter_probe_writes_padding_unparseable_and_oversized(tmp_path: Path) -> None:
    path = tmp_path / "probe" / "access-probe.log"
    run("logpipe.lab.remote", "dead_letter_probe", str(path), "m1", "pad ")
    padding, unparseable, oversized = path.read_text().splitlines()
    assert padding.startswith("pad ") and len(padding) == 1104
    assert unparseable == "m1-unparseable"
    assert oversized.startswith("m1|x|1|2|") and len(oversized) == 70009


def test_oversized_line_has_the_requested_size(tmp_path: Path) -> None:
    path = tmp_path / "access.log"
    head = run("logpipe.faults.remote", "oversized_line", "h1", str(path), "marker", "5000")
    assert head.startswith("h1|marker|0|")
    assert len(path.read_text()) == 5001


def test_reuse_inode_replaces_a_released_file(tmp_path: Path) -> None:
    path = tmp_path / "access.log"
    path.write_text("old\n")
    old = path.stat().st_ino
    reported_old, new, waited = run("logpipe.faults.remote", "reuse_inode", "h1", str(path), "0", "2", "40",
                                    "5").split()
    assert int(reported_old) == old and waited == "0"
    assert int(new) in {0, path.stat().st_ino}
    if int(new):
        assert [line.split("|")[2] for line in path.read_text().splitlines()] == ["0", "1"]
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".inode-reuse-")]


def test_long_writer_reports_lines_and_rotations(tmp_path: Path) -> None:
    path = tmp_path / "access.log"
    lines, rotations = run("logpipe.faults.remote", "long_writer", "h1", str(path), "120", "50", "100000", "0",
                           "0").split()
    assert (lines, rotations) == ("120", "0")
    assert len(path.read_text().splitlines()) == 120
    Path(f"/tmp/logpipe-writer-{path.name}.pid").unlink(missing_ok=True)
