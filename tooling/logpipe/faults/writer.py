"""A long-running writer on a producer host: sequence-numbered test lines (`host|path|seq|written_ms|padding`,
the format of logpipe.lab.reconcile) at a set rate, in the background while a fault is injected. It can rotate
its file by renaming (the application rotating its logs) and stops cleanly on SIGTERM, reporting how many
lines it wrote: that number is what "sent" means."""

from __future__ import annotations

import posixpath
import subprocess
from dataclasses import dataclass

from logpipe.errors import LogpipeError
from logpipe.lab.shell import progress

# Runs inside the producer host with its own python3. Every line keeps the original path, so a rotated line
# still reconciles against the stream it was written to. Rotation renames to NAME-rN.log, which the
# `access*.log` input glob still matches (dateext-style rotation).
LONG_WRITER = r"""
import os, signal, sys, time
def pidfile_for(path):
    return "/tmp/logpipe-writer-" + os.path.basename(path) + ".pid"
host, path = sys.argv[1], sys.argv[2]
count, width, rate, rotate_every_s, max_rotations = map(int, sys.argv[3:8])
stopping = []
signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
with open(pidfile_for(path), "w") as pidfile:
    pidfile.write(str(os.getpid()))
os.makedirs(os.path.dirname(path), exist_ok=True)
stem, suffix = os.path.splitext(path)
out, seq, rotations = open(path, "a"), 0, 0
began = last_rotation = time.monotonic()
while not stopping and (count == 0 or seq < count):
    head = f"{host}|{path}|{seq}|{time.time_ns() // 1_000_000}|"
    out.write(head + "x" * max(0, width - len(head)) + "\n")
    seq += 1
    if seq % 50 == 0:
        out.flush()
        if rotate_every_s and rotations < max_rotations and time.monotonic() - last_rotation >= rotate_every_s:
            rotations += 1
            out.close()
            os.rename(path, f"{stem}-r{rotations}{suffix}")
            out, last_rotation = open(path, "a"), time.monotonic()
        ahead = seq / rate - (time.monotonic() - began)
        if ahead > 0:
            time.sleep(ahead)
out.close()
print(seq, rotations)
"""


@dataclass(frozen=True)
class WriterResult:
    lines: int
    rotations: int


class BackgroundWriter:
    """`count` lines (0 = until stop()) at `rate` lines/s into `path` on `host`, rotating every
    `rotate_every_s` seconds at most `max_rotations` times."""

    def __init__(self, host: str, path: str, rate: int, count: int = 0, width: int = 183,
                 rotate_every_s: int = 0, max_rotations: int = 0) -> None:
        if rate <= 0:
            raise LogpipeError(f"writer rate must be positive lines/s, got {rate}")
        self.host, self.path = host, path
        self.args = [str(count), str(width), str(rate), str(rotate_every_s), str(max_rotations)]
        self.proc: subprocess.Popen | None = None

    def start(self) -> BackgroundWriter:
        cmd = ["podman", "exec", self.host, "python3", "-c", LONG_WRITER, self.host, self.path, *self.args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        progress(f"writer on {self.host}:{self.path} at {self.args[2]} lines/s")
        return self

    def stop(self) -> WriterResult:
        """Ask the writer to stop after its current line (SIGTERM inside the host) and wait for its count."""
        if self.proc and self.proc.poll() is None:
            pidfile = f"/tmp/logpipe-writer-{posixpath.basename(self.path)}.pid"
            subprocess.run(["podman", "exec", self.host, "sh", "-c", f"kill -TERM $(cat {pidfile})"],
                           check=False, capture_output=True)
        return self.wait()

    def wait(self, timeout: float | None = None) -> WriterResult:
        if self.proc is None:
            raise LogpipeError(f"writer for {self.host}:{self.path} was never started")
        out, err = self.proc.communicate(timeout=timeout)
        fields = out.decode().split()
        if self.proc.returncode != 0 or len(fields) != 2:
            raise LogpipeError(f"writer on {self.host}:{self.path} failed (exit {self.proc.returncode}): "
                               f"{err.decode()[-500:]}")
        result = WriterResult(lines=int(fields[0]), rotations=int(fields[1]))
        progress(f"writer on {self.host}:{self.path} wrote {result.lines} lines, {result.rotations} rotations")
        return result
