"""Process faults: kill -9 a unit's main process, freeze it (SIGSTOP/SIGCONT), stop a unit (a broker).
Every context manager heals in `finally`, so an exception mid-scenario still leaves the lab whole."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from logpipe.console import progress
from logpipe.faults.host import main_pid, sh, unit_active
from logpipe.lab.shell import wait_until

UNIT_START_TIMEOUT_S = 180  # a broker replays its log before systemd calls it active


def kill_hard(host: str, unit: str) -> int:
    """kill -9 the unit's main process and leave it to the unit's Restart= policy; the pid killed."""
    pid = main_pid(host, unit)
    sh(host, f"kill -9 {pid}")
    progress(f"kill -9 {unit} (pid {pid}) on {host}")
    return pid


def kill_hard_and_wait_restart(host: str, unit: str) -> None:
    """kill -9 the unit's main process and wait until its Restart= policy has a new one running."""
    pid = kill_hard(host, unit)
    wait_until(lambda: unit_active(host, unit) and main_pid(host, unit, required=False) not in {0, pid},
               what=f"{unit} on {host} to be restarted by systemd", timeout=UNIT_START_TIMEOUT_S)
    progress(f"{unit} on {host} restarted")


def wait_active(host: str, unit: str, timeout: float = UNIT_START_TIMEOUT_S) -> None:
    wait_until(lambda: unit_active(host, unit), what=f"{unit} on {host} to be active", timeout=timeout)


def start_units(hosts: Sequence[str], unit: str) -> None:
    for host in hosts:
        sh(host, f"systemctl start {unit}")
    for host in hosts:
        wait_active(host, unit)
    progress(f"{unit} started on {', '.join(hosts)}")


@contextmanager
def killed_and_held(hosts: Sequence[str], unit: str) -> Iterator[None]:
    """kill -9 the unit on every host, then keep it down (stopping a unit whose process is already dead
    cancels the pending automatic restart without any graceful shutdown); started again on exit."""
    try:
        for host in hosts:
            pid = main_pid(host, unit)
            sh(host, f"kill -9 {pid}; systemctl stop {unit}")
            progress(f"kill -9 {unit} (pid {pid}) on {host}, held down")
        yield
    finally:
        start_units(hosts, unit)


@contextmanager
def stopped(hosts: Sequence[str], unit: str) -> Iterator[None]:
    """`systemctl stop` the unit on every host (a clean broker shutdown); started again on exit."""
    try:
        for host in hosts:
            sh(host, f"systemctl stop {unit}")
            progress(f"{unit} stopped on {host}")
        yield
    finally:
        start_units(hosts, unit)


@contextmanager
def frozen(host: str, unit: str) -> Iterator[int]:
    """SIGSTOP every process of the unit (a hung process: connections stay open, nothing answers);
    SIGCONT on exit. Yields the main pid."""
    pid = main_pid(host, unit)
    try:
        sh(host, f"systemctl kill -s SIGSTOP {unit}")
        progress(f"SIGSTOP {unit} (pid {pid}) on {host}")
        yield pid
    finally:
        sh(host, f"systemctl kill -s SIGCONT {unit}")
        progress(f"SIGCONT {unit} on {host}")
