"""Container hosts: one privileged podman container per inventory host, systemd as PID 1, on a private network."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass

from logpipe.errors import LogpipeError
from logpipe.lab.shell import output, progress, run, wait_until

LAB_LABEL = "logpipe.lab"


@dataclass(frozen=True)
class Host:
    name: str
    ip: str


def network_exists(network: str) -> bool:
    return subprocess.run(["podman", "network", "exists", network], check=False).returncode == 0


def ensure_network(network: str, lab: str) -> None:
    if not network_exists(network):
        run(["podman", "network", "create", "--label", f"{LAB_LABEL}={lab}", network])


def container_exists(name: str) -> bool:
    return subprocess.run(["podman", "container", "exists", name], check=False).returncode == 0


def start_host(name: str, image: str, network: str, lab: str) -> None:
    if container_exists(name):
        state = output(["podman", "inspect", "-f", "{{.State.Status}}", name])
        if state != "running":
            run(["podman", "start", name])
        return
    run(["podman", "run", "-d", "--name", name, "--hostname", name, "--network", network, "--privileged",
         "--systemd=always", "--label", f"{LAB_LABEL}={lab}", image, "/sbin/init"])


def system_state(name: str) -> str:
    proc = subprocess.run(["podman", "exec", name, "systemctl", "is-system-running"], capture_output=True,
                          check=False)
    return proc.stdout.decode().strip() or "unreachable"


def wait_for_systemd(name: str, timeout: float = 120) -> str:
    state = wait_until(lambda: (s := system_state(name)) in {"running", "degraded"} and s,
                       what=f"systemd on {name} to finish booting", timeout=timeout)
    progress(f"{name}: systemd {state}")
    return state


def host_ip(name: str, network: str) -> str:
    data = json.loads(output(["podman", "inspect", name]))[0]
    return data["NetworkSettings"]["Networks"][network]["IPAddress"]


def lab_containers(lab: str) -> list[str]:
    names = output(["podman", "ps", "-a", "--filter", f"label={LAB_LABEL}={lab}", "--format", "{{.Names}}"])
    return sorted(n for n in names.splitlines() if n)


def remove_lab(lab: str, network: str) -> list[str]:
    removed = lab_containers(lab)
    if removed:
        run(["podman", "rm", "-f", "-t", "5", *removed])
    if network_exists(network):
        run(["podman", "network", "rm", "-f", network])
    return removed


def run_python(host: str, script: str, *args: str) -> str:
    """Run a python3 program on `host` (the image has python3, not our venv); its stdout. LogpipeError naming the
    host and the program's stderr when it fails."""
    proc = subprocess.run(["podman", "exec", host, "python3", "-c", script, *args], capture_output=True, check=False)
    if proc.returncode != 0:
        raise LogpipeError(f"python on {host} failed (exit {proc.returncode}): {proc.stderr.decode()[-800:]}")
    return proc.stdout.decode().strip()
