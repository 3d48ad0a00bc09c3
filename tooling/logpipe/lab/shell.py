"""Running commands and waiting for conditions: the one place the lab shells out (what it prints while it
works is `logpipe.console`)."""

from __future__ import annotations

import shlex
import subprocess
import time

from logpipe.errors import LogpipeError


def run(cmd: list[str], *, check: bool = True, capture: bool = False, input_bytes: bytes | None = None,
        env: dict[str, str] | None = None, cwd: str | None = None) -> subprocess.CompletedProcess:
    """Run a command; on failure raise LogpipeError with the command and the tail of its output."""
    proc = subprocess.run(cmd, input=input_bytes, capture_output=capture or check, env=env, cwd=cwd)
    if check and proc.returncode != 0:
        out = (proc.stdout or b"").decode(errors="replace") + (proc.stderr or b"").decode(errors="replace")
        tail = "\n".join(out.strip().splitlines()[-25:])
        raise LogpipeError(f"`{shlex.join(cmd)}` exited {proc.returncode}:\n{tail}")
    return proc


def output(cmd: list[str], **kwargs) -> str:
    return run(cmd, capture=True, **kwargs).stdout.decode().strip()


def wait_until(predicate, *, what: str, timeout: float, interval: float = 1.0):
    """Poll `predicate` until it returns a truthy value; raise naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise LogpipeError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)
