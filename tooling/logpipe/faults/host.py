"""Commands inside a lab host (`podman exec`): the one way the fault code touches a host."""

from __future__ import annotations

import time

from logpipe.errors import LogpipeError
from logpipe.lab.shell import output, run


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def sh(host: str, script: str, check: bool = True) -> str:
    """Run a shell snippet on `host`; its stdout. LogpipeError naming the host and snippet when it fails."""
    if check:
        return output(["podman", "exec", host, "sh", "-c", script])
    proc = run(["podman", "exec", host, "sh", "-c", script], check=False, capture=True)
    return proc.stdout.decode().strip()


def main_pid(host: str, unit: str, required: bool = True) -> int:
    """The unit's main process id; 0 (or LogpipeError if `required`) while it has none."""
    pid = int(output(["podman", "exec", host, "systemctl", "show", "-p", "MainPID", "--value", unit]) or 0)
    if pid <= 0 and required:
        raise LogpipeError(f"{unit} on {host} has no main process (is it running? `podman exec {host} "
                           f"systemctl status {unit}`)")
    return pid


def unit_active(host: str, unit: str) -> bool:
    return sh(host, f"systemctl is-active {unit}", check=False) == "active"
