"""Running the long build commands (mvn, go) with visible progress and a full log kept on disk."""

from __future__ import annotations

import shlex
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from logpipe.console import progress
from logpipe.errors import LogpipeError


@dataclass
class _Tail:
    lines: int = 0
    last: deque[str] = field(default_factory=lambda: deque(maxlen=25))
    lock: threading.Lock = field(default_factory=threading.Lock)


def _pump(stream, log_path: Path, tail: _Tail) -> None:
    with open(log_path, "ab") as log:
        for raw in iter(stream.readline, b""):
            log.write(raw)
            line = raw.decode(errors="replace").rstrip()
            with tail.lock:
                tail.lines += 1
                if line:
                    tail.last.append(line)


def run_logged(cmd: list[str], *, label: str, log_path: Path, cwd: Path | None = None,
               env: dict[str, str] | None = None, heartbeat: float = 20.0, unit: str = "lines") -> float:
    """Run `cmd`, appending its output to `log_path`; print a progress line every `heartbeat` seconds.

    Returns the wall time in seconds. On a non-zero exit raises LogpipeError with the output's tail.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        log.write(f"$ {shlex.join(cmd)}\n".encode())
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    tail = _Tail()
    reader = threading.Thread(target=_pump, args=(proc.stdout, log_path, tail), daemon=True)
    reader.start()
    next_beat = start + heartbeat
    try:
        while proc.poll() is None:
            time.sleep(0.5)
            if time.monotonic() >= next_beat:
                with tail.lock:
                    count, last = tail.lines, (tail.last[-1] if tail.last else "")
                elapsed = time.monotonic() - start
                progress(f"{label}: {elapsed:4.0f}s, {count} {unit} so far{f' (last: {last[:80]})' if last else ''}")
                next_beat += heartbeat
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    reader.join()
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        with tail.lock:
            text = "\n".join(tail.last)
        raise LogpipeError(f"{label} failed: `{shlex.join(cmd)}` exited {proc.returncode} after {elapsed:.0f}s "
                           f"(full log: {log_path}):\n{text}")
    return elapsed
