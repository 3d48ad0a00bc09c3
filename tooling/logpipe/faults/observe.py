"""Read-only probes of a producer host: Filebeat's ACK counter (its offsets advance only on ACK), which
logmaster addresses the local HAProxy is sending to, and the stranded-file check's restarts of Filebeat."""

from __future__ import annotations

import time
from collections.abc import Callable

from logpipe.faults.host import sh
from logpipe.lab.hosts import host_program, run_python

def filebeat_acked(host: str, port: int = 5066) -> int:
    """Events the Filebeat on `host` has had ACKed since it started."""
    return int(run_python(host, host_program("logpipe.faults.remote", "filebeat_acked"), str(port)))


def haproxy_servers(host: str) -> list[dict[str, str]]:
    """The local HAProxy's logmaster servers: name, status, address, current sessions."""
    csv = sh(host, 'echo "show stat" | socat stdio /run/haproxy/admin.sock')
    lines = [line for line in csv.splitlines() if line.strip()]
    header = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]
    return [r for r in rows if r.get("svname") not in {"FRONTEND", "BACKEND"} and r.get("addr")]


def in_rotation(servers: list[dict[str, str]]) -> set[str]:
    """IPs of the servers HAProxy may send to (status UP)."""
    return {r["addr"].rsplit(":", 1)[0] for r in servers if r.get("status", "").startswith("UP")}


def serving(servers: list[dict[str, str]]) -> list[str]:
    """IPs with open sessions, busiest first."""
    busy = sorted((-int(r.get("scur") or 0), r["addr"].rsplit(":", 1)[0]) for r in servers if r.get("scur", "0") != "0")
    return [ip for _, ip in busy]


def stranded_check_restarts(host: str, since_ms: int) -> list[str]:
    """The stranded-file check's reports (files it found, and its restarts of Filebeat) since `since_ms`."""
    journal = sh(host, f"journalctl -u filebeat-stranded-check.service --since @{since_ms // 1000} -o cat --no-pager")
    return [line for line in journal.splitlines() if line.startswith(("stranded:", "restarting"))]


def seconds_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.5) -> float | None:
    """How long until `predicate` held (polled), or None if it never did within `timeout`."""
    began = time.monotonic()
    while time.monotonic() - began <= timeout:
        if predicate():
            return round(time.monotonic() - began, 1)
        time.sleep(interval)
    return None
