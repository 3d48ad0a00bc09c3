"""ansible/plugins/ as Ansible uses it: every filter the roles name exists, module documentation parses, and a
logpipe error reaches the play as the plugin's wrapped message (module_utils/logpipe_adapter.py)."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from logpipe.errors import LogpipeError
from tests.support.ansible_plugins import PLUGINS, load_filters

REPO = PLUGINS.parents[1]
# logpipe's filters share these prefixes; a use of one that no plugin defines would fail only when templated.
OWN_FILTER = re.compile(r"\|\s*((?:kafka|filebeat|host)_\w+)")


def adapter():
    spec = importlib.util.spec_from_file_location("adapter_under_test", PLUGINS / "module_utils/logpipe_adapter.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def failure(exc: BaseException, *also: type[Exception]) -> str:
    """The message `fail` receives when a logpipe call raises `exc`."""
    messages: list[str] = []

    def fail(message: str):
        messages.append(message)
        raise SystemExit(1)  # as AnsibleModule.fail_json ends the module

    with pytest.raises(SystemExit), adapter().logpipe_errors("kafka_topic", fail, *also):
        raise exc
    return messages[0]


def test_every_filter_the_playbooks_use_is_defined() -> None:
    defined = set(load_filters())
    used = {(path.relative_to(REPO), name)
            for top in ("roles", "ansible", "inventories", "molecule")
            for path in (REPO / top).rglob("*") if path.suffix in {".yml", ".j2"}
            for name in OWN_FILTER.findall(path.read_text())}
    assert {name for _, name in used} >= {"kafka_properties", "filebeat_duration_seconds", "host_addresses"}
    assert [(str(path), name) for path, name in sorted(used) if name not in defined] == []


@pytest.mark.parametrize("path", sorted((PLUGINS / "modules").glob("*.py")), ids=lambda p: p.stem)
def test_module_documentation_parses(path: Path) -> None:
    constants = {node.targets[0].id: node.value.value for node in ast.parse(path.read_text()).body
                 if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                 and isinstance(node.value, ast.Constant)}
    assert yaml.safe_load(constants["DOCUMENTATION"])["module"] == path.stem
    assert yaml.safe_load(constants["RETURN"])


def test_a_logpipe_error_becomes_the_named_failure() -> None:
    assert failure(LogpipeError("bad input")) == "kafka_topic: bad input"
    assert failure(KeyError("x"), KeyError) == "kafka_topic: 'x'"


def test_any_other_error_is_a_bug_and_shown_as_one() -> None:
    with pytest.raises(ZeroDivisionError), adapter().logpipe_errors("kafka_topic", print):
        raise ZeroDivisionError


def test_a_missing_logpipe_names_the_fix() -> None:
    message = failure(ImportError("No module named 'kafka'"))
    assert message.startswith("kafka_topic needs the logpipe package and kafka-python")
    assert "(No module named 'kafka')" in message and "delegate_to: localhost" in message


def test_a_filter_wraps_logpipe_errors_with_its_name() -> None:
    with pytest.raises(AnsibleFilterError, match="^filebeat_duration_seconds: filebeat_ignore_older: cannot read"):
        load_filters()["filebeat_duration_seconds"]("soon", "filebeat_ignore_older")


def test_a_module_fails_with_the_wrapped_message_under_real_ansible(tmp_path: Path) -> None:
    """ansible.cfg's library and module_utils paths, as a play uses them: the module ships its module_utils."""
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "json",
           "ANSIBLE_LOAD_CALLBACK_PLUGINS": "true", "ANSIBLE_HOME": str(tmp_path),
           "ANSIBLE_LOCALHOST_WARNING": "false"}
    args = {"name": "logs.access", "partitions": 0, "replication_factor": 3, "bootstrap_servers": ["127.0.0.1:1"]}
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("ansible")), "localhost", "-i", "localhost,", "-c", "local",
         "-e", f"ansible_python_interpreter={sys.executable}", "-m", "kafka_topic", "-a", json.dumps(args)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )
    # ansible.cfg's profile_tasks prints timings around the JSON report
    report, _ = json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.find("\n{") + 1:])
    result = report["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert result["failed"], result
    assert result["msg"] == "kafka_topic: topic 'logs.access': partitions must be at least 1, got 0"
