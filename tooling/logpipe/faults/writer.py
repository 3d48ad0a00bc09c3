"""A long-running writer on a producer host: sequence-numbered test lines (`host|path|seq|written_ms|padding`,
the format of logpipe.lab.reconcile) at a set rate, in the background while a fault is injected. It can rotate
its file by renaming (the application rotating its logs) and stops cleanly on SIGTERM, reporting how many
lines it wrote: that number is what "sent" means."""

from __future__ import annotations

import posixpath
import subprocess
from dataclasses import dataclass

from logpipe.console import progress
from logpipe.errors import LogpipeError
from logpipe.lab.hosts import host_program

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
        program = host_program("logpipe.faults.remote", "long_writer")
        cmd = ["podman", "exec", self.host, "python3", "-c", program, self.host, self.path, *self.args]
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
