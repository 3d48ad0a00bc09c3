"""Reading inputs (YAML / Ansible variables), the `logpipe retention` CLI, and the Ansible filter plugin, the last
through real Ansible templating as the Kafka role will use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import document

from logpipe.cli import main
from logpipe.errors import LogpipeError
from logpipe.retention import inputs_from_data, load_file, plan
from tests.support.ansible_plugins import load_filters

REPO = Path(__file__).resolve().parents[3]
DAY = 86_400_000


def write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "retention.yml"
    path.write_text(yaml.safe_dump(doc))
    return path


# --- inputs -------------------------------------------------------------------------------------------------------


def test_yaml_inputs_with_units_and_an_assumed_placement(tmp_path: Path) -> None:
    doc = document(settings={"retention_check_interval_ms": "1m", "segment_index_bytes": "4MiB", "degrade": True})
    inputs, assumed = load_file(write(tmp_path, doc))
    assert assumed
    assert inputs.settings.retention_check_interval_ms == 60_000
    assert inputs.settings.segment_index_bytes == 4 * 1024**2
    assert inputs.settings.degrade is True
    assert inputs.class_named("access").min_age_ms == 3 * DAY
    assert inputs.topic_named("access").ingest_bytes_per_s == 20 * 1024**2
    assert sum(len(r) for r in inputs.placement.values()) == (12 + 6) * 3


def test_classes_as_a_list_and_placement_as_topic_partition_strings() -> None:
    doc = document(
        n_brokers=1,
        classes=[{"name": "access", "age": "7d", "priority": 2}, {"name": "system", "age": "30d", "priority": 1}],
        topics=[{"name": "web-logs", "class": "access", "partitions": 2, "replication_factor": 1, "ingest": 1000}],
        placement={1: ["web-logs-0", ["web-logs", 1]]},
    )
    inputs, assumed = inputs_from_data(doc)
    assert not assumed
    assert inputs.placement == {1: (("web-logs", 0), ("web-logs", 1))}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": 1}, r"unknown top-level keys \['colour'\]"),
        ({"settings": {"headroom": 0.8}}, r"settings\.headroom: unknown setting"),
        ({"settings": {"degrade": "yes"}}, r"settings\.degrade: expected true or false"),
        ({"classes": {"access": {"age": "7d"}}}, r"classes\[access\]\.priority is required"),
        (
            {"brokers": [{"id": 1, "disks": [{"path": "/d", "capacity": "lots"}]}]},
            r"brokers\[1\]\.disks\[/d\]\.capacity",
        ),
        (
            {"topics": [{"name": "a", "class": "access", "partitions": 1, "replication_factor": 1}]},
            r"topics\[a\]\.ingest is required",
        ),
        (
            {"topics": [{"name": "a", "class": "access", "partitions": "3", "replication_factor": 1, "ingest": 1}]},
            r"topics\[a\]\.partitions: expected a whole number",
        ),
        ({"placement": {"one": []}}, r"placement: broker id 'one' is not a number"),
        ({"topics": document()["topics"][:1] * 2}, r"topics: topic 'access' is listed twice"),
        (
            {"brokers": [{"id": 1, "disks": [{"path": "/d", "capacity": 1}, {"path": "/d", "capacity": 1}]}]},
            r"brokers\[1\]\.disks: path /d appears twice",
        ),
        ({"placement": {1: ["access"]}}, r"placement\[1\]: expected 'topic-partition'"),
    ],
)
def test_input_errors_name_the_field(change: dict, message: str) -> None:
    with pytest.raises(LogpipeError, match=message):
        inputs_from_data(document() | change)


# --- CLI ----------------------------------------------------------------------------------------------------------


def test_plan_prints_a_table_per_topic_and_per_broker_and_draws_the_chart(tmp_path: Path, capsys) -> None:
    chart = tmp_path / "budget.png"
    assert main(["retention", "plan", "--input", str(write(tmp_path, document())), "--chart", str(chart)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    topic_rows = [line.split() for line in lines if line.startswith(("access ", "syslog "))]
    assert [row[0] for row in topic_rows] == ["access", "syslog"]
    assert "retention.bytes" in lines[1] and "segment.ms" in lines[1]
    broker_rows = [line.split() for line in lines if line[:1].isdigit()]
    assert [row[0] for row in broker_rows] == ["1", "2", "3"]
    assert all(row[-1] == "yes" for row in broker_rows)
    assert "assumed replicas striped evenly" in out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plan_json_is_the_kafka_topic_shape(tmp_path: Path, capsys) -> None:
    assert main(["retention", "plan", "--input", str(write(tmp_path, document())), "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    expected = plan(inputs_from_data(document())[0])
    assert [e["name"] for e in entries] == ["access", "syslog"]
    assert entries[0]["config"] == expected.topic("access").kafka_config()


def test_plan_that_does_not_fit_exits_2_naming_the_class(tmp_path: Path, capsys) -> None:
    assert main(["retention", "plan", "--input", str(write(tmp_path, document(capacity="4TiB")))]) == 2
    assert "class 'access' is short by" in capsys.readouterr().err


def test_plan_degrade_flag_reports_the_degraded_class(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, document(capacity="6TiB"))
    assert main(["retention", "plan", "--input", str(path), "--degrade"]) == 0
    assert "DEGRADED: class 'access' (priority 2) keeps" in capsys.readouterr().out


def test_check_grow_refuses_with_exit_1_and_accepts_with_exit_0(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, document())
    assert main(["retention", "check", "--input", str(path), "--grow", "access=24"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("REFUSED growing 'access' to 24 partitions: topic 'access' needs")
    assert main(["retention", "check", "--input", str(path), "--grow", "access=13"]) == 0
    assert capsys.readouterr().out.startswith("OK growing 'access' to 13 partitions")


def test_check_reassignment_file(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, document(n_brokers=4))
    inputs, _ = load_file(path)
    holders = sorted(b for b, r in inputs.placement.items() if ("syslog", 0) in r)
    spare = next(b for b in sorted(inputs.placement) if b not in holders)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(
        json.dumps(
            {"version": 1, "partitions": [{"topic": "syslog", "partition": 0, "replicas": [spare, *holders[1:]]}]}
        )
    )
    assert main(["retention", "check", "--input", str(path), "--reassignment", str(plan_file)]) == 0
    assert capsys.readouterr().out.startswith(f"OK reassignment {plan_file}")
    assert main(["retention", "check", "--input", str(path), "--grow", "access"]) == 2


# --- Ansible filter -----------------------------------------------------------------------------------------------


def load_filter():
    return load_filters()["kafka_retention_topics"]


def inventory_topics() -> list[dict]:
    topics = document()["topics"]
    topics[0] = topics[0] | {"config": {"min.insync.replicas": 2, "unclean.leader.election.enable": False}}
    return topics


def test_filter_output_is_exactly_the_kafka_topic_shape() -> None:
    doc = document()
    out = load_filter()(inventory_topics(), doc["classes"], doc["brokers"])
    assert [sorted(entry) for entry in out] == [["config", "name", "partitions", "replication_factor"]] * 2
    access = out[0]
    assert access["name"] == "access" and access["partitions"] == 12 and access["replication_factor"] == 3
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in access["config"].items())
    assert access["config"]["min.insync.replicas"] == "2"
    assert access["config"]["unclean.leader.election.enable"] == "false"
    expected = plan(inputs_from_data(doc)[0]).topic("access").kafka_config()
    assert {k: access["config"][k] for k in expected} == expected


def test_filter_refuses_raw_retention_numbers_and_overflow() -> None:
    from ansible.errors import AnsibleFilterError

    doc = document()
    topics = document()["topics"]
    topics[1] = topics[1] | {"config": {"retention.ms": 1000}}
    with pytest.raises(
        AnsibleFilterError, match=r"topics\[syslog\]\.config sets retention\.ms: topics declare a class"
    ):
        load_filter()(topics, doc["classes"], doc["brokers"])
    small = document(capacity="1TiB")
    with pytest.raises(AnsibleFilterError, match="kafka_retention_topics: retention goals do not fit: class 'access'"):
        load_filter()(small["topics"], small["classes"], small["brokers"])


def test_filter_through_real_ansible_templating(tmp_path: Path) -> None:
    doc = document()
    variables = tmp_path / "vars.yml"
    variables.write_text(
        yaml.safe_dump(
            {
                "kafka_topics": inventory_topics(),
                "kafka_topic_classes": doc["classes"],
                "kafka_retention_brokers": doc["brokers"],
            }
        )
    )
    bindir = Path(sys.executable).parent
    env = {
        **os.environ,
        "ANSIBLE_FILTER_PLUGINS": str(REPO / "ansible/plugins/filter"),
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_STDOUT_CALLBACK": "json",
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "true",
        "ANSIBLE_HOME": str(tmp_path),
    }
    expression = "{{ kafka_topics | kafka_retention_topics(kafka_topic_classes, kafka_retention_brokers) | to_json }}"
    proc = subprocess.run(
        [str(bindir / "ansible"), "localhost", "-m", "ansible.builtin.debug",
         "-a", f"msg={expression}", "-e", f"@{variables}"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    msg = json.loads(proc.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]["msg"]
    value = json.loads(msg) if isinstance(msg, str) else msg
    assert value == load_filter()(inventory_topics(), doc["classes"], doc["brokers"])
