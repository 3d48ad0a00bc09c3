#!/usr/bin/python3
"""Measure how fast the producer's HAProxy follows a logmaster's Consul health (stdlib; runs on the producer).

One run = one fault on one backend, then its healing:
  1. baseline: connections through the local HAProxy frontend reach every expected backend;
  2. fault (`fail`: health answers 503; `hang`: health never answers; `stop`: SIGSTOP of the whole backend);
  3. until the victim's Consul check is critical, HAProxy no longer lists it and `--streak` consecutive
     connections were all served by other backends;
  4. heal; until the check passes, HAProxy lists the victim again and a connection is served by it.
Times are seconds from the instant the backend's control process applied the fault (or the heal), taken on the
backend (all hosts share the kernel clock). Prints one JSON object; exits 1 when a deadline passes.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field

# srv_admin_state bits that keep new connections away: forced/inherited/config maintenance, drain, DNS maintenance
# (0x40 only says the address came from DNS).
MAINT_OR_DRAIN = 0x3F
FAULTS = {"fail": ("/mode/fail", "/mode/ok"), "hang": ("/mode/hang", "/mode/ok"),
          "stop": ("/signal/STOP", "/signal/CONT")}


@dataclass
class Phase:
    """Seconds from the fault (or heal) instant to each observation; None when not observed."""

    consul_s: float | None = None
    haproxy_s: float | None = None
    traffic_s: float | None = None
    connections: int = 0
    victim_answers: int = 0


@dataclass
class Result:
    fault: str
    victim: str
    baseline: dict[str, int] = field(default_factory=dict)
    removal: Phase = field(default_factory=Phase)
    ret: Phase = field(default_factory=Phase)
    error: str = ""


def put(url: str) -> float:
    req = urllib.request.Request(url, method="PUT")
    with urllib.request.urlopen(req, timeout=5) as resp:
        return float(json.load(resp)["at"])


def who_answers(frontend: tuple[str, int], read_timeout: float) -> str | None:
    """The backend name that answers a new connection through HAProxy; None if nothing answers in time."""
    try:
        with socket.create_connection(frontend, timeout=read_timeout) as sock:
            sock.settimeout(read_timeout)
            data = b""
            while not data.endswith(b"\n"):
                chunk = sock.recv(256)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    return data.decode().strip() or None


def consul_status(consul: str, service: str, node: str) -> str:
    """Worst check status of `service` on `node`, as Consul's health API reports it."""
    with urllib.request.urlopen(f"{consul}/v1/health/checks/{service}", timeout=2) as resp:
        checks = [c for c in json.load(resp) if c["Node"] == node]
    order = {"passing": 0, "warning": 1, "critical": 2}
    return max((c["Status"] for c in checks), key=order.__getitem__, default="missing")


def haproxy_has(stats_socket: str, backend: str, address: str) -> bool:
    """Whether HAProxy's backend holds a server at `address` that is up and not in maintenance."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect(stats_socket)
        sock.sendall(f"show servers state {backend}\n".encode())
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    for line in out.decode().splitlines():
        cols = line.split()
        # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ...
        if len(cols) > 6 and not line.startswith("#") and cols[4] == address:
            return cols[5] == "2" and int(cols[6]) & MAINT_OR_DRAIN == 0
    return False


def watch(args: argparse.Namespace, since: float, phase: Phase, removing: bool, address: str) -> None:
    """Poll Consul, HAProxy and traffic until all three show the victim gone (or back); fill `phase`."""
    deadline = time.monotonic() + args.deadline
    streak_start: float | None = None
    streak = 0
    want_status = "critical" if removing else "passing"
    while time.monotonic() < deadline:
        now = time.time()
        if phase.consul_s is None and consul_status(args.consul, args.service, args.victim) == want_status:
            phase.consul_s = now - since
        if phase.haproxy_s is None and haproxy_has(args.stats_socket, args.backend, address) != removing:
            phase.haproxy_s = time.time() - since
        if phase.traffic_s is None:
            t = time.time()
            answer = who_answers((args.frontend_host, args.frontend_port), args.read_timeout)
            phase.connections += 1
            victim_hit = answer is None or answer == args.victim
            phase.victim_answers += answer == args.victim
            if removing:
                if victim_hit:
                    streak, streak_start = 0, None
                else:
                    streak_start = t if streak == 0 else streak_start
                    streak += 1
                    if streak >= args.streak:
                        phase.traffic_s = streak_start - since
            elif answer == args.victim:
                phase.traffic_s = t - since
        if None not in (phase.consul_s, phase.haproxy_s, phase.traffic_s):
            return
        time.sleep(args.interval)
    raise TimeoutError(f"{'removal' if removing else 'return'} of {args.victim} not complete after "
                       f"{args.deadline} s: {asdict(phase)}")


def run(args: argparse.Namespace) -> Result:
    result = Result(fault=args.fault, victim=args.victim)
    address = args.victim_address
    for _ in range(args.baseline):
        answer = who_answers((args.frontend_host, args.frontend_port), args.read_timeout) or "none"
        result.baseline[answer] = result.baseline.get(answer, 0) + 1
    missing = sorted(set(args.expect) - set(result.baseline))
    if missing:
        raise RuntimeError(f"before the fault, backends {missing} never answered: {result.baseline}")
    fault_path, heal_path = FAULTS[args.fault]
    control = f"http://{address}:{args.control_port}"
    watch(args, put(control + fault_path), result.removal, removing=True, address=address)
    watch(args, put(control + heal_path), result.ret, removing=False, address=address)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fault", choices=sorted(FAULTS), required=True)
    parser.add_argument("--victim", required=True, help="backend host (Consul node name)")
    parser.add_argument("--victim-address", required=True, help="its IPv4 address (names need not resolve)")
    parser.add_argument("--expect", nargs="+", required=True, help="every backend that must answer at baseline")
    parser.add_argument("--service", default="logmaster")
    parser.add_argument("--backend", default="logmaster", help="HAProxy backend name")
    parser.add_argument("--frontend-host", default="127.0.0.1")
    parser.add_argument("--frontend-port", type=int, default=5044)
    parser.add_argument("--control-port", type=int, default=9601)
    parser.add_argument("--consul", default="http://127.0.0.1:8500")
    parser.add_argument("--stats-socket", default="/run/haproxy/admin.sock")
    parser.add_argument("--streak", type=int, default=10, help="consecutive healthy-only answers meaning 'stopped'")
    parser.add_argument("--baseline", type=int, default=10)
    parser.add_argument("--read-timeout", type=float, default=0.5)
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--deadline", type=float, default=60.0)
    args = parser.parse_args()
    try:
        result = run(args)
    except (TimeoutError, RuntimeError) as exc:
        print(json.dumps({"fault": args.fault, "victim": args.victim, "error": str(exc)}))
        return 1
    print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
