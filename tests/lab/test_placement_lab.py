"""Placement on the lab's 3-broker cluster (racks = the Terraform AZs), through the `logpipe placement` CLI as an
operator runs it: skew a topic's replicas and leaders onto two brokers, plan, apply in throttled batches, verify
from the live cluster, and let Kafka's own reassignment tool judge the written JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaProducer

from logpipe.lab.cli import endpoints

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from tests.support.kafka_tools import reassignment_verify  # noqa: E402

LOGPIPE = str(Path(sys.executable).with_name("logpipe"))
SKEWED_TOPIC = "lab-placement-skewed"
pytestmark = pytest.mark.lab


def placement(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([LOGPIPE, "placement", *args], capture_output=True, text=True, check=False)


def test_placement_spreads_a_skewed_topic_on_the_lab(lab, tmp_path):
    bootstrap = endpoints(lab)["kafka_bootstrap"]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","), client_id="lab-placement-test")
    try:
        if SKEWED_TOPIC in admin.list_topics():
            admin.delete_topics([SKEWED_TOPIC], timeout_ms=30000)
        # Six partitions, RF 2, every one on brokers 1 and 2 and led by 1: broker 3 holds and leads nothing.
        admin.create_topics([_new_topic()], timeout_ms=30000)
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks="all")
    for partition in range(6):
        for i in range(100):
            producer.send(SKEWED_TOPIC, f"skew|{partition}|{i}|".encode() + b"x" * 300, partition=partition)
    producer.flush(60)
    producer.close()

    before = placement("verify", "--bootstrap-server", bootstrap, "--json")
    assert before.returncode == 1, before.stdout + before.stderr  # the skew is a missed goal

    out = tmp_path / "plan"
    plan = placement("plan", "--bootstrap-server", bootstrap, "--out", str(out), "--json")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    report = json.loads(plan.stdout)
    assert report["moves"] >= report["lower_bound"] > 0

    applied = placement("apply", "--bootstrap-server", bootstrap, "--plan", str(out / "plan.json"),
                        "--batch-size", "2", "--throttle-mb", "10", "--batch-timeout", "300")
    assert applied.returncode == 0, applied.stdout + applied.stderr

    after = placement("verify", "--bootstrap-server", bootstrap, "--plan", str(out / "plan.json"), "--json")
    assert after.returncode == 0, after.stdout + after.stderr
    measures = json.loads(after.stdout)["measures"]
    assert measures["replica_spread"] <= 1 and measures["leader_spread"] <= 1, measures

    kafka = reassignment_verify(bootstrap, out / "reassignment.json")
    assert kafka.returncode == 0, kafka.stdout + kafka.stderr
    for row in json.loads((out / "reassignment.json").read_text())["partitions"]:
        assert f"Reassignment of partition {row['topic']}-{row['partition']} is completed" in kafka.stdout


def _new_topic():
    from kafka.admin import NewTopic

    return NewTopic(SKEWED_TOPIC, num_partitions=-1, replication_factor=-1,
                    replica_assignments={p: [1, 2] for p in range(6)})
