"""Container hosts: one privileged podman container per inventory host, systemd as PID 1, on a private network."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from importlib.resources import files

from logpipe.console import progress
from logpipe.errors import LogpipeError
from logpipe.lab import ssh
from logpipe.lab.shell import output, run

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
        running = output(["podman", "inspect", "-f", "{{.ImageName}}", name])
        if running != image:
            raise LogpipeError(f"lab host {name} was made from {running}, not the current host image {image} (its "
                               "recipe changed, e.g. SSH access): `make lab-down`, then `make lab`")
        if container_status(name) != "running":
            run(["podman", "start", name])
        return
    run(["podman", "run", "-d", "--name", name, "--hostname", name, "--network", network, "--privileged",
         "--systemd=always", "--label", f"{LAB_LABEL}={lab}", *ssh.authorized_keys_mount(), image, "/sbin/init"])


def system_state(name: str) -> str:
    proc = subprocess.run(["podman", "exec", name, "systemctl", "is-system-running"], capture_output=True,
                          check=False)
    return proc.stdout.decode().strip() or "unreachable"


def container_status(name: str) -> str:
    proc = subprocess.run(["podman", "inspect", "-f", "{{.State.Status}}", name], capture_output=True, check=False)
    return proc.stdout.decode().strip() or "missing"


BOOTED = {"running", "degraded"}


def boot_verdict(status: str, state: str) -> str:
    """`booted`, `exited` (PID 1 is gone: waiting cannot help) or `waiting`, from the container's status and
    `systemctl is-system-running`."""
    if status in {"exited", "stopped", "missing"}:
        return "exited"
    return "booted" if status == "running" and state in BOOTED else "waiting"


def _tail(cmd: list[str], lines: int) -> str:
    proc = subprocess.run(cmd, capture_output=True, check=False)
    text = (proc.stdout + proc.stderr).decode(errors="replace").strip().splitlines()
    return "\n".join("      " + line for line in text[-lines:])


def boot_diagnosis(name: str) -> str:
    """What a stuck or dead host shows: its container status, PID 1's output, systemd's pending jobs, failed units
    and its own journal."""
    status = container_status(name)
    parts = [f"  {name}: container {status}, systemd {system_state(name) if status == 'running' else '-'}",
             "    podman logs (last lines):", _tail(["podman", "logs", "--tail", "15", name], 15)]
    if status == "running":
        in_host = ["podman", "exec", name]
        parts += ["    pending jobs:", _tail([*in_host, "systemctl", "list-jobs", "--no-pager"], 15),
                  "    failed units:", _tail([*in_host, "systemctl", "--failed", "--no-pager"], 10),
                  "    systemd's journal (last lines):",
                  _tail([*in_host, "journalctl", "-b", "_PID=1", "-n", "15", "--no-pager"], 15)]
    return "\n".join(parts)


def wait_for_systemd(names: list[str], timeout: float = 300) -> None:
    """Wait until systemd has finished booting on every host (half a second on an idle machine). A host whose PID 1
    died, or that is still booting after half the timeout, is restarted once, its diagnosis printed; if it fails
    again, the error carries the diagnosis of each host that did not boot."""
    pending, restarted = set(names), set()
    began = time.monotonic()
    while pending:
        waited = time.monotonic() - began
        for name in sorted(pending):
            status, state = container_status(name), system_state(name)
            verdict = boot_verdict(status, state)
            if verdict == "booted":
                progress(f"{name}: systemd {state}")
                pending.discard(name)
            elif name not in restarted and (verdict == "exited" or waited > timeout / 2):
                progress(f"{name} did not boot after {waited:.0f}s; restarting it once\n{boot_diagnosis(name)}")
                restarted.add(name)
                subprocess.run(["podman", "restart", "-t", "5", name], capture_output=True, check=False)
            elif verdict == "exited" or waited > timeout:
                stuck = sorted(pending) if waited > timeout else [name]
                raise LogpipeError(f"systemd did not finish booting on {', '.join(stuck)} ({waited:.0f}s, restarted "
                                   f"once):\n" + "\n".join(boot_diagnosis(host) for host in stuck))
        if pending:
            time.sleep(1)


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


def host_program(package: str, name: str) -> str:
    """The source of `name`.py in `package` (e.g. `logpipe.lab.remote`): a program for the hosts' own python3."""
    return files(package).joinpath(f"{name}.py").read_text(encoding="utf-8")


def run_python(host: str, script: str, *args: str) -> str:
    """Run a python3 program on `host` (the image has python3, not our venv); its stdout. LogpipeError naming the
    host and the program's stderr when it fails."""
    proc = subprocess.run(["podman", "exec", host, "python3", "-c", script, *args], capture_output=True, check=False)
    if proc.returncode != 0:
        raise LogpipeError(f"python on {host} failed (exit {proc.returncode}): {proc.stderr.decode()[-800:]}")
    return proc.stdout.decode().strip()
