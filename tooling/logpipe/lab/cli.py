"""`logpipe lab up | status | smoke | down`: the whole platform on container hosts, provisioned through the
lab Terraform root against moto, configured by site.yml, exercised by sequence-numbered traffic."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import yaml

from logpipe.console import progress, step
from logpipe.errors import LogpipeError
from logpipe.lab import hosts as lab_hosts
from logpipe.lab import image, moto, ssh
from logpipe.lab.state import LabState, endpoints
from logpipe.paths import REPO_ROOT, artifact_dir

LAB_ROOT = REPO_ROOT / "terraform" / "regions" / "lab"
LAB_INVENTORY = REPO_ROOT / "inventories" / "lab"
LAB_REGION = "us-east-1"
# Hosts the lab adds beside what Terraform provisions: the producer nodes are the customers' own servers.
LAB_PRODUCERS = ["producer-1"]
# The units each group's roles run, for `status`; every host also runs a Consul agent (or server).
GROUP_UNITS = {"kafka_brokers": ("kafka",), "kafka_controllers": ("kafka",), "consul_servers": (),
               "logmasters": ("logmaster",), "producers": ("haproxy", "filebeat")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    up = sub.add_parser("up", help="provision (Terraform→moto), start hosts, run site.yml")
    up.add_argument("--tags", help="only run site.yml plays/tasks with these tags")
    up.add_argument("--skip-ansible", action="store_true", help="start hosts and write the inventory only")
    st = sub.add_parser("status", help="hosts, services and endpoints")
    st.add_argument("--json", action="store_true", help="machine-readable output")
    sm = sub.add_parser("smoke", help="push sequence-numbered lines through the pipeline and reconcile")
    sm.add_argument("--lines", type=int, default=2000, help="lines per producer host and log type")
    sub.add_parser("down", help="remove everything `up` created")


def run(args: argparse.Namespace) -> int:
    state = LabState.load()
    if args.action == "up":
        return up(state, tags=args.tags, skip_ansible=args.skip_ansible)
    if args.action == "status":
        return status(state, as_json=args.json)
    if args.action == "down":
        return down(state)
    if args.action == "smoke":
        from logpipe.lab.traffic import smoke
        return smoke(state, lines=args.lines)
    raise LogpipeError(f"unknown action {args.action!r}")


def terraform_inventory(state: LabState) -> dict:
    """Apply the lab root against moto and return its Ansible inventory (logpipe.inventory)."""
    from logpipe.inventory import inventory_from_outputs
    from logpipe.terraform.runner import apply_root, output_json

    if not (state.moto_pid and _alive(state.moto_pid)):
        step("starting moto's server (emulated AWS) on a free loopback port")
        server = moto.start(LabState.directory(state.name) / "moto.log")
        state.moto_pid, state.moto_port = server.pid, server.port
        state.terraform_applied = False
        state.save()
        progress(f"moto at {server.url}")
    server = moto.MotoServer(pid=state.moto_pid, port=state.moto_port)
    env = {**os.environ, **server.aws_env(LAB_REGION)}
    step(f"terraform apply {LAB_ROOT.relative_to(REPO_ROOT)} against moto")
    started = time.monotonic()
    apply_root(LAB_ROOT, env)
    state.terraform_applied = True
    state.save()
    progress(f"applied in {time.monotonic() - started:.0f}s")
    return inventory_from_outputs(output_json(LAB_ROOT, env))


def flatten_inventory(inventory: dict) -> dict[str, dict]:
    """Ansible YAML inventory → host -> {"groups": [...], "vars": {...}} (groups may nest via children)."""
    found: dict[str, dict] = {}

    def walk(group_name: str, group: dict) -> None:
        for host, host_vars in (group.get("hosts") or {}).items():
            entry = found.setdefault(host, {"groups": [], "vars": {}})
            if group_name != "all" and group_name not in entry["groups"]:
                entry["groups"].append(group_name)
            entry["vars"].update(host_vars or {})
        for child_name, child in (group.get("children") or {}).items():
            walk(child_name, child or {})

    walk("all", inventory.get("all", inventory))
    return found


def write_inventory(state: LabState, provisioned: dict[str, dict], cluster_vars: dict) -> None:
    """inventories/lab/hosts.yml: Terraform's hosts mapped onto the container hosts (generated, not tracked)."""
    groups: dict[str, dict] = {}
    for host, entry in sorted(provisioned.items()):
        host_vars = dict(entry["vars"])
        host_vars.update(ssh.connection_vars(state.hosts[host]["ip"]),
                         ansible_python_interpreter="/usr/bin/python3", private_ip=state.hosts[host]["ip"],
                         lab_terraform_private_ip=entry["vars"].get("private_ip"))
        for group in entry["groups"]:
            groups.setdefault(group, {"hosts": {}})["hosts"][host] = host_vars
    # Where this lab installs from and keeps its generated secrets: in the inventory, not the environment, so that
    # `ansible-playbook -i inventories/lab ansible/site.yml` from a plain shell converges the same lab.
    lab_vars = {**cluster_vars, "logpipe_artifact_dir": str(artifact_dir()),
                "consul_secrets_dir": str(LabState.directory(state.name) / "consul-secrets")}
    body = "# Generated by `logpipe lab up` from the lab Terraform root's outputs; do not edit.\n"
    body += yaml.safe_dump({"all": {"vars": lab_vars, "children": groups}}, sort_keys=True)
    (LAB_INVENTORY / "hosts.yml").write_text(body)


def up(state: LabState, tags: str | None = None, skip_ansible: bool = False) -> int:
    began = time.monotonic()
    tag = image.build()
    inventory = terraform_inventory(state)
    provisioned = flatten_inventory(inventory)
    for producer in LAB_PRODUCERS:
        provisioned.setdefault(producer, {"groups": ["producers"], "vars": {}})
    step(f"starting {len(provisioned)} container hosts on network {state.network}")
    lab_hosts.ensure_network(state.network, state.name)
    for host in sorted(provisioned):
        lab_hosts.start_host(host, tag, state.network, state.name)
    lab_hosts.wait_for_systemd(sorted(provisioned))
    for host in sorted(provisioned):
        state.hosts[host] = {"ip": lab_hosts.host_ip(host, state.network), "groups": provisioned[host]["groups"]}
    state.save()
    write_inventory(state, provisioned, inventory["all"].get("vars", {}))
    progress(f"inventory written to {(LAB_INVENTORY / 'hosts.yml').relative_to(REPO_ROOT)}")
    if not skip_ansible:
        run_site(state, tags)
    step(f"lab up in {time.monotonic() - began:.0f}s; `logpipe lab status` shows it")
    return 0


def ansible_env() -> dict[str, str]:
    return {**os.environ, "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
            "PATH": f"{os.path.dirname(sys.executable)}:{os.environ.get('PATH', '')}"}


def run_site(state: LabState, tags: str | None = None) -> None:
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(LAB_INVENTORY),
           str(REPO_ROOT / "ansible" / "site.yml")]
    if tags:
        cmd += ["--tags", tags]
    step("ansible-playbook -i inventories/lab ansible/site.yml")
    proc = subprocess.run(cmd, env=ansible_env(), cwd=REPO_ROOT, check=False)
    if proc.returncode != 0:
        raise LogpipeError(f"site.yml failed (exit {proc.returncode}); the play output above names the task")


def unit_state(host: str, unit: str) -> str:
    proc = subprocess.run(["podman", "exec", host, "systemctl", "is-active", unit], capture_output=True,
                          check=False)
    return proc.stdout.decode().strip() or "unknown"


def status(state: LabState, as_json: bool = False) -> int:
    report = {"hosts": {}, "endpoints": endpoints(state) if state.hosts else {}}
    for host, entry in sorted(state.hosts.items()):
        names = ["consul", *(unit for g in entry["groups"] for unit in GROUP_UNITS.get(g, ()))]
        units = {unit: unit_state(host, unit) for unit in dict.fromkeys(names)}
        report["hosts"][host] = {"ip": entry["ip"], "groups": entry["groups"],
                                 "system": lab_hosts.system_state(host), "services": units}
    if as_json:
        print(json.dumps(report, indent=2, sort_keys=True))
        return 0
    if not report["hosts"]:
        print("lab is down (no hosts); `make lab` brings it up")
        return 1
    print(f"{'host':<16}{'ip':<16}{'system':<12}{'groups':<40}services")
    for host, info in report["hosts"].items():
        services = " ".join(f"{u}={s}" for u, s in info["services"].items())
        print(f"{host:<16}{info['ip']:<16}{info['system']:<12}{','.join(info['groups']):<40}{services}")
    for name, value in report["endpoints"].items():
        print(f"{name}: {value}")
    return 0


def down(state: LabState) -> int:
    if state.moto_pid and _alive(state.moto_pid):
        if state.terraform_applied:
            from logpipe.terraform.runner import destroy_root
            step("terraform destroy of the lab root against moto")
            server = moto.MotoServer(pid=state.moto_pid, port=state.moto_port)
            destroy_root(LAB_ROOT, {**os.environ, **server.aws_env(LAB_REGION)})
        step("stopping moto")
        moto.stop(state.moto_pid)
    step(f"removing container hosts and network {state.network}")
    removed = lab_hosts.remove_lab(state.name, state.network)
    progress(f"removed {len(removed)} containers: {' '.join(removed) or '-'}")
    (LAB_INVENTORY / "hosts.yml").unlink(missing_ok=True)
    state.forget()
    return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
