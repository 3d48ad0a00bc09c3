"""tests/support/local_kafka.py against real Kafka from the artifact cache: start, round trip, racks, clean stop."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # `tests.support` is imported from the repository root
    sys.path.insert(0, str(REPO))

from tests.support.local_kafka import (  # noqa: E402
    LocalKafkaCluster,
    Node,
    local_kafka,
    node_properties,
    plan_nodes,
    random_cluster_id,
)

from logpipe.errors import LogpipeError  # noqa: E402


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _round_trip(bootstrap: str, topic: str, count: int, replication: int = 1) -> list[bytes]:
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
    from kafka.admin import NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=replication)])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=5)
    futures = [producer.send(topic, key=str(i % 7).encode(), value=f"record-{i:04d}".encode()) for i in range(count)]
    producer.flush()
    for future in futures:
        future.get(timeout=30)  # raises if any record was not acknowledged by all in-sync replicas
    producer.close()
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=f"check-{uuid.uuid4().hex[:8]}",
                             consumer_timeout_ms=15000)
    seen = []
    for message in consumer:
        seen.append(message.value)
        if len(seen) >= count:
            break
    consumer.close()
    return seen


# ------------------------------------------------------------- the pure parts

def test_plan_nodes_assigns_racks_in_turn_and_distinct_ports():
    nodes = plan_nodes(4, ("az-a", "az-b", "az-c"), list(range(9000, 9008)))
    assert [(n.node_id, n.rack) for n in nodes] == [(1, "az-a"), (2, "az-b"), (3, "az-c"), (4, "az-a")]
    assert len({p for n in nodes for p in (n.port, n.controller_port)}) == 8
    with pytest.raises(LogpipeError, match="brokers must be at least 1"):
        plan_nodes(0, ("az-a",), [])
    with pytest.raises(LogpipeError, match="need 4 ports for 2 brokers"):
        plan_nodes(2, ("az-a",), [1, 2])


def test_node_properties_quorum_replication_and_overrides(tmp_path):
    nodes = [Node(1, "az-1", 9001, 9101), Node(2, "az-2", 9002, 9102)]
    props = node_properties(nodes[1], nodes, tmp_path, {"log.segment.bytes": "1048576", "num.partitions": "6"})
    assert props["controller.quorum.voters"] == "1@127.0.0.1:9101,2@127.0.0.1:9102"
    assert props["broker.rack"] == "az-2" and props["node.id"] == "2"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:9002"
    assert props["offsets.topic.replication.factor"] == "2" and props["transaction.state.log.min.isr"] == "2"
    assert props["log.segment.bytes"] == "1048576" and props["num.partitions"] == "6"


def test_cluster_id_is_kafka_shaped():
    ids = {random_cluster_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 22 and "=" not in i for i in ids)


# ------------------------------------------------------------- real Kafka

@pytest.mark.kafka
def test_single_broker_round_trips_100_records_and_leaves_nothing_behind():
    with LocalKafkaCluster() as cluster:
        workdir, pids = cluster.workdir, cluster.pids()
        assert len(pids) == 1 and all(_alive(p) for p in pids)
        seen = _round_trip(cluster.bootstrap, "roundtrip", 100)
    assert sorted(seen) == [f"record-{i:04d}".encode() for i in range(100)]
    assert not any(_alive(p) for p in pids), "a Kafka JVM outlived the context"
    assert workdir is not None and not workdir.exists()


@pytest.mark.kafka
def test_three_brokers_in_three_racks_survive_one_broker_down():
    from kafka import KafkaAdminClient

    with LocalKafkaCluster(brokers=3, overrides={"min.insync.replicas": "2"}) as cluster:
        admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap)
        racks = {b["broker_id"]: b["rack"] for b in admin.describe_cluster()["brokers"]}
        admin.close()
        assert racks == {1: "az-1", 2: "az-2", 3: "az-3"}
        cluster.stop_broker(3, kill=True)
        assert len(cluster.pids()) == 2
        seen = _round_trip(cluster.bootstrap, "replicated", 100, replication=3)
        assert sorted(seen) == [f"record-{i:04d}".encode() for i in range(100)]
        pids = cluster.pids()
    assert not any(_alive(p) for p in pids)


@pytest.mark.kafka
def test_local_kafka_yields_the_bootstrap_string_and_applies_overrides():
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource, ConfigResourceType

    with local_kafka(overrides={"log.retention.check.interval.ms": "1000"}) as bootstrap:
        host, port = bootstrap.split(":")
        assert host == "127.0.0.1" and int(port) > 0
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        try:
            configs = admin.describe_configs([ConfigResource(ConfigResourceType.BROKER, "1")], config_filter="all")
        finally:
            admin.close()
    broker = next(iter(next(iter(configs.values())).values()))
    assert broker["log.retention.check.interval.ms"]["value"] == "1000"
