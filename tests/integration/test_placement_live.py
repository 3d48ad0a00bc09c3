"""Placement on a real 3-broker KRaft cluster in 3 racks: skew replicas and leaders, plan, apply, verify.

Two topics are created with hand-made skewed assignments: `pl-rf2` (6 partitions, RF 2, every partition on
brokers 1 and 2, led by 1: broker 3 empty) and `pl-rf3` (6 partitions, RF 3, every partition led by 1). After a
few records per partition, the live cluster is read through the admin API, a rebalance is planned (replica
moves onto broker 3, preferred leaders spread), and applied through the admin API in throttled batches of two.
Then `verify` recomputes everything from the live cluster (actual leaders, no reassignment in progress, no
throttle left, replicas equal the plan), the CLI's `verify` exits 0, and Kafka's own `kafka-reassign-partitions
--verify` (ReassignPartitionsCommand) accepts the written reassignment JSON and reports every partition done.
Fails (never skips) when Kafka cannot start.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaProducer

from logpipe.placement import measure, rebalance
from logpipe.placement.admin import read_cluster
from logpipe.placement.apply import apply_plan, leftover_throttles
from logpipe.placement.output import write_plan
from logpipe.placement.verify import verify

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from tests.support.kafka_tools import reassignment_verify  # noqa: E402
from tests.support.local_kafka import local_kafka  # noqa: E402

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def bootstrap():
    with local_kafka(brokers=3) as servers:  # racks az-1, az-2, az-3
        yield servers


def _skew(admin: KafkaAdminClient, servers: str) -> None:
    admin.create_topics({
        "pl-rf2": {"assignments": {i: [1, 2] for i in range(6)}},
        "pl-rf3": {"assignments": {i: [1, 2, 3] for i in range(6)}},
    }, wait_for_metadata=True)
    producer = KafkaProducer(bootstrap_servers=servers, acks="all")
    for topic in ("pl-rf2", "pl-rf3"):
        for partition in range(6):
            for i in range(50 * (partition + 1)):
                producer.send(topic, f"{topic}|{partition}|{i}|".encode() + b"x" * 200, partition=partition)
    producer.flush(60)
    producer.close()


def test_skewed_cluster_is_planned_applied_and_verified(bootstrap, tmp_path):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="placement-test")
    try:
        _skew(admin, bootstrap)
        live = read_cluster(admin)
        assert {b.rack for b in live.brokers} == {"az-1", "az-2", "az-3"}
        leaders = {p.key: p.leader for p in live.partitions}
        skewed = measure(live, leaders=leaders)
        assert skewed.leader_spread == 12  # broker 1 leads all 12, broker 3 none
        assert min(p.size_bytes for p in live.partitions) > 0  # sizes come from describe_log_dirs

        plan = rebalance(live)
        files = write_plan(plan, tmp_path)
        assert plan.moves >= plan.lower_bound > 0
        assert plan.measures().leader_spread <= 1 and plan.measures().replica_spread <= 1

        lines: list[str] = []
        result = apply_plan(admin, plan.before, plan.after, read_cluster(admin), batch_size=2,
                            throttle_bytes=10 * 1024**2, batch_timeout=180, poll=0.5, progress=lines.append)
        assert result.partitions == len(plan.changed)
        assert result.batches >= 2
        assert any("data moves" in line for line in lines)

        now = read_cluster(admin)
        throttles = leftover_throttles(admin, ["pl-rf2", "pl-rf3"], [1, 2, 3])
        verdict = verify(now, planned=plan.after, ongoing=len(admin.list_partition_reassignments()),
                         throttles=throttles)
        assert verdict.ok, verdict.problems
        assert verdict.measures.leader_spread <= 1  # actual leaders, after the preferred-leader elections
        assert verdict.measures.replica_spread <= 1
        assert throttles == []
    finally:
        admin.close()

    cli = subprocess.run([str(REPO / ".venv" / "bin" / "logpipe"), "placement", "verify", "--bootstrap-server",
                          bootstrap, "--plan", str(files["plan"])], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "verify: ok" in cli.stdout

    kafka = reassignment_verify(bootstrap, files["reassignment"])
    assert kafka.returncode == 0, kafka.stdout + kafka.stderr
    moved = json.loads(files["reassignment"].read_text())["partitions"]
    for row in moved:
        assert f"Reassignment of partition {row['topic']}-{row['partition']} is completed" in kafka.stdout
