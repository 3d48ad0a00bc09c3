"""The filebeat role's input checks (roles/filebeat/tasks/validate.yml), run by real Ansible on the controller:
bad input fails before anything changes, and the message names the variable at fault."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ANSIBLE_PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))
GOOD_INPUTS = [{"id": "nginx-access", "paths": ["/var/log/nginx/access*.log"]}]
PLAY = """- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.include_role:
        name: filebeat
        tasks_from: validate
"""


def run_checks(tmp_path: Path, **overrides) -> subprocess.CompletedProcess:
    (tmp_path / "play.yml").write_text(PLAY)
    (tmp_path / "vars.json").write_text(json.dumps({"filebeat_inputs": GOOD_INPUTS, **overrides}))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run([ANSIBLE_PLAYBOOK, "-i", "localhost,", "-c", "local", str(tmp_path / "play.yml"),
                           "-e", f"@{tmp_path / 'vars.json'}"], capture_output=True, text=True, env=env, cwd=REPO)


def test_the_defaults_pass(tmp_path):
    proc = run_checks(tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]


@pytest.mark.parametrize(("overrides", "named"), [
    ({"filebeat_output_backoff_max": "500ms"}, "filebeat_output_backoff_max=500ms must be at least 1s"),
    ({"filebeat_output_backoff_max": "soon"}, "filebeat_output_backoff_max: cannot read 'soon'"),
    ({"filebeat_inputs": []}, "filebeat_inputs is empty"),
    ({"filebeat_stranded_grace": 5}, "filebeat_stranded_grace=5 must exceed filebeat_scan_frequency"),
])
def test_bad_input_fails_naming_the_variable(tmp_path, overrides, named):
    proc = run_checks(tmp_path, **overrides)
    assert proc.returncode != 0
    assert named in proc.stdout, proc.stdout[-2000:]
