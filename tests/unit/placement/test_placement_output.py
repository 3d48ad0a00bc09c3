"""Kafka's JSON formats, the plan file, batches and throttles, and the admin-API parsing (shapes as kafka-python
3.0.12 returns them from Kafka 4.1.1)."""

from __future__ import annotations

import json

import pytest

from logpipe.errors import LogpipeError
from logpipe.placement import Broker, Cluster, Partition, add_brokers, place_topic, rebalance_leaders
from logpipe.placement import synthetic as syn
from logpipe.placement.admin import cluster_from_admin, parse_log_dirs, sample_rates
from logpipe.placement.apply import Change, batches, changes, check_unchanged, throttle_configs
from logpipe.placement.output import election, new_topics, read_plan, reassignment, write_plan


def test_reassignment_is_kafka_version_1_with_only_changed_partitions(nine):
    plan = add_brokers(nine, syn.brokers_for(3, 3, first_id=10))
    doc = reassignment(plan)
    assert doc["version"] == 1
    old = {p.key: p.replicas for p in nine.partitions}
    keys = [(r["topic"], r["partition"]) for r in doc["partitions"]]
    assert keys == sorted(keys)
    assert len(keys) == len(plan.changed)
    for row in doc["partitions"]:
        assert set(row) == {"topic", "partition", "replicas"}
        assert tuple(row["replicas"]) != old[(row["topic"], row["partition"])]
    assert sum(len(set(r["replicas"]) - set(old[(r["topic"], r["partition"])])) for r in doc["partitions"]) \
        == plan.moves


def test_election_lists_partitions_whose_leader_changes(tiny):
    plan = rebalance_leaders(tiny)
    doc = election(plan)
    after = {p.key: p.replicas[0] for p in plan.after.partitions}
    expected = sorted(p.key for p in tiny.partitions if p.replicas[0] != after[p.key])
    assert [(r["topic"], r["partition"]) for r in doc["partitions"]] == expected
    assert expected  # broker 1 led everything


def test_new_topic_assignment_strings(nine):
    plan = place_topic(nine, "fresh", 3, 3)
    doc = new_topics(plan)
    (topic,) = doc["topics"]
    parts = [p for p in plan.after.partitions if p.topic == "fresh"]
    assert topic["replica_assignment"] == ",".join(":".join(map(str, p.replicas)) for p in parts)


def test_plan_files_round_trip(tmp_path, nine):
    plan = add_brokers(nine, syn.brokers_for(3, 3, first_id=10))
    files = write_plan(plan, tmp_path)
    before, after, report = read_plan(files["plan"])
    assert report["lower_bound"] == plan.lower_bound and report["moves"] == plan.moves
    assert changes(before, after) == changes(plan.before, plan.after)
    assert json.loads(files["reassignment"].read_text()) == reassignment(plan)
    with pytest.raises(LogpipeError, match="not a logpipe plan"):
        (tmp_path / "x.json").write_text("{}")
        read_plan(tmp_path / "x.json")


def _change(topic, partition, old, new, size=100):
    return Change(Partition(topic, partition, old, size), Partition(topic, partition, new, size))


def test_batches_put_order_only_first_then_largest_moves_by_count_and_bytes():
    items = [_change("t", 0, (1, 2), (2, 1)), _change("t", 1, (1, 2), (1, 3), 300),
             _change("t", 2, (1, 2), (3, 2), 100), _change("t", 3, (2, 1), (3, 1), 200)]
    out = batches(items, batch_size=2)
    assert [len(b.changes) for b in out] == [1, 2, 1]
    assert not out[0].moves_data and out[1].moves_data
    assert [c.after.partition for c in out[1].changes] == [1, 3]
    capped = batches(items, batch_size=10, max_batch_bytes=300)
    assert [[c.after.partition for c in b.changes] for b in capped] == [[0], [1], [3, 2]]
    with pytest.raises(LogpipeError, match="--batch-size"):
        batches(items, 0)


def test_throttles_name_exactly_the_moving_replicas():
    batch = batches([_change("t", 1, (1, 2), (1, 3)), _change("u", 0, (2, 1), (4, 1))], 10)[0]
    topics, brokers = throttle_configs(batch, 1000)
    assert topics == {
        "t": {"leader.replication.throttled.replicas": "1:1,1:2", "follower.replication.throttled.replicas": "1:3"},
        "u": {"leader.replication.throttled.replicas": "0:1,0:2", "follower.replication.throttled.replicas": "0:4"},
    }
    assert sorted(brokers) == [1, 2, 3, 4]
    assert brokers[3] == {"leader.replication.throttled.rate": "1000", "follower.replication.throttled.rate": "1000"}


def test_apply_refuses_a_cluster_that_drifted(tiny):
    item = _change("x", 0, (1, 2, 3), (2, 1, 3))
    check_unchanged(tiny, tiny, [item])
    moved = Cluster(brokers=tiny.brokers, partitions=(Partition("x", 0, (1, 2), 10),) + tiny.partitions[1:])
    with pytest.raises(LogpipeError, match="changed since the plan"):
        check_unchanged(tiny, moved, [item])


LOG_DIRS = [
    {"broker": 1, "log_dirs": [{"error_code": 0, "log_dir": "/d1", "total_bytes": 1000, "usable_bytes": 600,
                                "topics": [{"name": "x", "partitions": [
                                    {"partition_index": 0, "partition_size": 100, "offset_lag": 0,
                                     "is_future_key": False},
                                    {"partition_index": 1, "partition_size": 50, "offset_lag": 0,
                                     "is_future_key": True}]}]}]},
    {"broker": 2, "log_dirs": [{"error_code": 0, "log_dir": "/d1", "total_bytes": -1, "usable_bytes": -1,
                                "topics": [{"name": "x", "partitions": [
                                    {"partition_index": 0, "partition_size": 90, "offset_lag": 0,
                                     "is_future_key": False}]}]}]},
]
CLUSTER = {"cluster_id": "c", "controller_id": 1, "brokers": [
    {"broker_id": 2, "host": "h", "port": 1, "rack": "az-2", "is_fenced": False},
    {"broker_id": 1, "host": "h", "port": 2, "rack": "az-1", "is_fenced": False}]}
TOPICS = [{"error_code": 0, "name": "x", "is_internal": False, "partitions": [
    {"error_code": 0, "partition_index": 0, "leader_id": 2, "replica_nodes": [1, 2], "isr_nodes": [1, 2]}]},
    {"error_code": 0, "name": "__consumer_offsets", "is_internal": True, "partitions": [
        {"error_code": 0, "partition_index": 0, "leader_id": 1, "replica_nodes": [1], "isr_nodes": [1]}]}]


def test_admin_answers_become_the_model():
    usage = parse_log_dirs(LOG_DIRS)
    assert usage.sizes == {("x", 0, 1): 100, ("x", 0, 2): 90}  # the future (moving) replica is not counted
    assert usage.capacity == {1: 1000}
    assert usage.reserved == {1: 300}  # 400 used, 100 of it by replicas
    c = cluster_from_admin(CLUSTER, TOPICS, usage, capacity_bytes=5000)
    assert [(b.id, b.rack, b.capacity_bytes, b.reserved_bytes) for b in c.brokers] == \
        [(1, "az-1", 1000, 300), (2, "az-2", 5000, 0)]
    (p,) = c.partitions
    assert (p.replicas, p.size_bytes, p.leader) == ((1, 2), 100, 2)
    assert len(cluster_from_admin(CLUSTER, TOPICS, usage, include_internal=True).partitions) == 2


def test_rates_are_sampled_from_leader_log_growth():
    first = parse_log_dirs(LOG_DIRS)
    grown = json.loads(json.dumps(LOG_DIRS))
    grown[1]["log_dirs"][0]["topics"][0]["partitions"][0]["partition_size"] = 190  # leader is broker 2
    rates = sample_rates(TOPICS, first, parse_log_dirs(grown), 10.0)
    assert rates[("x", 0)] == 10.0


def test_metadata_errors_are_named():
    bad = [{"error_code": 3, "name": "gone", "partitions": []}]
    with pytest.raises(LogpipeError, match="topic 'gone'"):
        cluster_from_admin(CLUSTER, bad, parse_log_dirs([]))


def test_broker_model_from_admin_keeps_unknown_capacity_unchecked():
    c = cluster_from_admin(CLUSTER, TOPICS[:1], parse_log_dirs([]))
    assert all(b.capacity_bytes == 0 for b in c.brokers)
    assert isinstance(c.brokers[0], Broker)


class ElectionRefusedOnce:
    """An admin client whose first preferred-leader election leaves the leaders where they were, as Kafka does
    while a just-added replica is not yet electable (PREFERRED_LEADER_NOT_AVAILABLE)."""

    def __init__(self, leaders: dict[tuple[str, int], int]):
        self.leaders = dict(leaders)
        self.requests: list[dict[str, list[int]]] = []

    def describe_topics(self, topics):
        return [{"name": t, "partitions": [{"partition_index": p, "leader_id": leader}
                                           for (topic, p), leader in sorted(self.leaders.items()) if topic == t]}
                for t in topics]

    def elect_leaders(self, election_type, partitions, raise_errors=True):
        self.requests.append(partitions)
        if len(self.requests) > 1:
            for topic, numbers in partitions.items():
                for p in numbers:
                    self.leaders[(topic, p)] = 1  # replicas[0] of every partition below


def test_preferred_election_is_repeated_until_the_preferred_replicas_lead():
    from logpipe.placement.apply import elect_preferred

    after = Cluster((Broker(1), Broker(2)), (Partition("t", 0, (1, 2)), Partition("t", 1, (1, 2)),
                                             Partition("t", 2, (1, 2))))
    admin = ElectionRefusedOnce({("t", 0): 2, ("t", 1): 1, ("t", 2): 2})
    assert elect_preferred(admin, after, timeout=10, poll=0) == 2
    assert admin.requests == [{"t": [0, 2]}, {"t": [0, 2]}]
    assert set(admin.leaders.values()) == {1}


def test_preferred_election_gives_up_after_its_timeout_and_leaves_the_rest_to_verify():
    from logpipe.placement.apply import elect_preferred

    after = Cluster((Broker(1), Broker(2)), (Partition("t", 0, (1, 2)),))
    admin = ElectionRefusedOnce({("t", 0): 2})
    admin.elect_leaders = lambda *args, **kwargs: admin.requests.append(args[1])  # never moves a leader
    assert elect_preferred(admin, after, timeout=0.05, poll=0.01) == 1
    assert len(admin.requests) >= 1 and admin.leaders[("t", 0)] == 2
