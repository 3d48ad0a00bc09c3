"""The whole platform on container hosts: every host boots clean, a smoke run loses nothing and lands every line
in the topic the routing table names, bad lines go to the dead-letter topic, and `down` leaves nothing behind."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from logpipe.lab import hosts as lab_hosts
from logpipe.lab.traffic import dead_letter_probe

REPO = Path(__file__).resolve().parents[2]
LOGPIPE = str(Path(sys.executable).with_name("logpipe"))
pytestmark = pytest.mark.lab


def test_every_host_boots_clean(lab):
    assert lab.hosts, "lab up created no hosts"
    states = {host: lab_hosts.system_state(host) for host in lab.hosts}
    assert set(states.values()) == {"running"}, states


def test_status_reports_every_service_active(lab):
    report = json.loads(subprocess.run([LOGPIPE, "lab", "status", "--json"], cwd=REPO, check=True,
                                       capture_output=True).stdout)
    inactive = {h: s for h, info in report["hosts"].items() for s in info["services"].items() if s[1] != "active"}
    assert not inactive, inactive
    assert report["endpoints"]["kafka_bootstrap"].count(":9092") == 3


def test_site_yml_rerun_from_a_plain_shell_changes_nothing(lab):
    """The command the README gives, with no variable that `logpipe lab up` sets: every host reports changed=0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "LOGPIPE_", "MOLECULE_"))}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    began = time.monotonic()
    proc = subprocess.run(["ansible-playbook", "-i", "inventories/lab", "ansible/site.yml"], cwd=REPO, env=env,
                          capture_output=True, text=True, check=False)
    took = time.monotonic() - began
    recap = dict(re.findall(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)", proc.stdout, re.MULTILINE))
    print(f"site.yml re-run on the converged lab: {took:.0f}s, changed per host {recap}")
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert set(recap) == set(lab.hosts), recap
    assert set(recap.values()) == {"0"}, proc.stdout[-6000:]


def test_smoke_loses_nothing_and_routes_every_line(lab):
    proc = subprocess.run([LOGPIPE, "lab", "smoke", "--lines", "3000"], cwd=REPO, capture_output=True, text=True,
                          check=False)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 lost, 0 misrouted" in proc.stdout


def test_oversized_and_unparseable_lines_reach_the_dead_letter_topic(lab):
    producer = sorted(h for h, e in lab.hosts.items() if "producers" in e["groups"])[0]
    assert dead_letter_probe(lab, producer) == ["oversized", "unparseable"]
