"""One test per scenario on small seeded clusters: hard constraints, objectives, movement against the bound."""

from __future__ import annotations

import pytest

from logpipe.errors import LogpipeError
from logpipe.placement import (
    Broker,
    Cluster,
    Partition,
    add_brokers,
    measure,
    place_topic,
    rebalance,
    rebalance_leaders,
    remove_brokers,
    replace_broker,
)
from logpipe.placement import synthetic as syn
from logpipe.placement.measures import rack_violation


def assert_hard_constraints(plan, disk_limit=0.8):
    before = {p.key: p for p in plan.before.partitions}
    ids = set(plan.after.broker_ids)
    rack_of = {b.id: plan.after.rack_of(b.id) for b in plan.after.brokers}
    n_racks = len(set(rack_of.values()))
    incoming = dict.fromkeys(ids, 0)
    for p in plan.after.partitions:
        assert len(p.replicas) == before[p.key].rf, p.key
        assert len(set(p.replicas)) == len(p.replicas), p.key
        assert set(p.replicas) <= ids, p.key
        assert not rack_violation(p.replicas, rack_of, n_racks), p.key
        for b in set(p.replicas) - set(before[p.key].replicas):
            incoming[b] += p.size_bytes
    used = {b.id: b.reserved_bytes for b in plan.before.brokers}
    for p in plan.before.partitions:
        for b in p.replicas:
            used[b] += p.size_bytes
    for b in plan.after.brokers:
        if b.capacity_bytes and incoming[b.id]:
            assert used[b.id] + incoming[b.id] <= disk_limit * b.capacity_bytes, b.id


def test_add_brokers_moves_exactly_the_bound_and_balances(nine):
    plan = add_brokers(nine, syn.brokers_for(3, 3, first_id=10))
    assert_hard_constraints(plan)
    m = plan.measures()
    assert plan.lower_bound == sum(r.replicas for r in m.brokers if r.broker >= 10)
    assert plan.lower_bound <= plan.moves <= 1.1 * plan.lower_bound
    assert m.replica_spread <= 1
    assert m.leader_spread <= 1
    assert m.topic_leader_spread_max <= 1
    assert m.disk_max_over_mean <= 1.05
    assert {b.broker for b in m.brokers} == set(range(1, 13))


def test_remove_broker_empties_it_within_its_rack(nine):
    plan = remove_brokers(nine, [9])
    assert_hard_constraints(plan)
    assert 9 not in plan.after.broker_ids
    assert all(9 not in p.replicas for p in plan.after.partitions)
    held = sum(1 for p in nine.partitions if 9 in p.replicas)
    assert plan.lower_bound >= held  # plus what the uneven start needs
    assert plan.lower_bound <= plan.moves <= 1.1 * plan.lower_bound
    m = plan.measures()
    assert m.leader_spread <= 1
    # RF 3 over 3 racks: rack c (brokers 3, 6; 9 left) must still hold one replica of every partition
    by_id = {b.broker: b.replicas for b in m.brokers}
    assert by_id[3] + by_id[6] == len(nine.partitions)
    assert abs(by_id[3] - by_id[6]) <= 1
    assert m.replica_spread == plan.forced_replica_spread
    assert any("force" in n for n in plan.notes)


def test_replace_moves_every_replica_to_the_new_broker_only(nine):
    start = rebalance(nine).after  # a balanced cluster: replacing then needs exactly one move per replica
    plan = replace_broker(start, 4, Broker(40))
    assert_hard_constraints(plan)
    held = {p.key: p.replicas for p in start.partitions if 4 in p.replicas}
    assert plan.after.broker(40).rack == start.broker(4).rack
    for p in plan.after.partitions:
        if p.key in held:
            assert set(p.replicas) == (set(held[p.key]) - {4}) | {40}
    assert plan.moves == len(held) == plan.lower_bound


def test_leader_only_moves_no_data_and_fixes_a_skew(nine):
    skewed = syn.skew_leaders(nine, [1])
    assert measure(skewed).leader_spread > 10
    plan = rebalance_leaders(skewed)
    assert plan.moves == 0 and plan.lower_bound == 0
    before = {p.key: set(p.replicas) for p in skewed.partitions}
    assert all(set(p.replicas) == before[p.key] for p in plan.after.partitions)
    m = plan.measures()
    assert m.leader_spread <= 1
    assert m.topic_leader_spread_max <= 1
    assert m.leader_bytes_max_over_mean < measure(skewed).leader_bytes_max_over_mean


def test_new_topic_is_placed_without_moving_anything(nine):
    start = rebalance(nine).after
    plan = place_topic(start, "fresh", 9, 3, size_bytes=10**9, bytes_in_per_sec=1e6)
    assert_hard_constraints(plan)
    assert plan.moves == 0 and plan.new_replicas == 27 and plan.lower_bound == 0
    assert plan.measures().replica_spread <= 1
    old = {p.key: p.replicas for p in start.partitions}
    for p in plan.after.partitions:
        if p.topic != "fresh":
            assert p.replicas == old[p.key]
    fresh = [p for p in plan.after.partitions if p.topic == "fresh"]
    leaders = [p.replicas[0] for p in fresh]
    assert sorted(leaders) == sorted(set(leaders))  # 9 partitions on 9 brokers: one leader each
    with pytest.raises(LogpipeError, match="already exists"):
        place_topic(nine, "t0000", 3, 3)


def test_rack_violation_is_repaired_with_the_fewest_moves():
    brokers = tuple(syn.brokers_for(6, 3))
    parts = (Partition("t", 0, (1, 4, 2), 5), Partition("t", 1, (2, 3, 1), 5), Partition("t", 2, (3, 1, 2), 5),
             Partition("t", 3, (4, 5, 6), 5), Partition("t", 4, (5, 6, 4), 5), Partition("t", 5, (6, 1, 2), 5))
    c = Cluster(brokers=brokers, partitions=parts)
    assert measure(c).rack_violations == 1  # t-0 has brokers 1 and 4 in rack az-a
    plan = rebalance(c)
    assert plan.lower_bound >= 1
    assert plan.measures().rack_violations == 0
    assert_hard_constraints(plan)


# The property test's shrunk failures: two slots of one partition are freed (a rack fix and a broker's excess, or
# two excesses) and the first is filled from the second's rack, so the second, finding no broker below target,
# must not go back to its own broker.
@pytest.mark.parametrize(("brokers", "replicas", "add"), [
    (7, [(2,), (1,), (2, 3), (1, 3, 4)], []),
    (8, [(1, 2), (2, 1), (1, 2)], [Broker(100, "az-a")]),
], ids=["rebalance", "add-broker"])
def test_a_replica_that_finds_no_broker_below_target_keeps_its_partition_rack_spread(brokers, replicas, add):
    # t2-2 alone has bytes, so the assignment (largest first) places it before the others
    parts = tuple(Partition(f"t{i % 3}", i, reps, 1 if i == 2 else 0) for i, reps in enumerate(replicas))
    c = Cluster(brokers=tuple(syn.brokers_for(brokers, 3)), partitions=parts)
    plan = add_brokers(c, add) if add else rebalance(c)
    assert_hard_constraints(plan)


def test_disk_limit_is_a_hard_constraint():
    brokers = (Broker(1, "a", 100), Broker(2, "b", 100), Broker(3, "c", 100), Broker(4, "a", 100))
    parts = tuple(Partition("t", i, (1, 2, 3), 30) for i in range(2))  # 60 of 100 on brokers 1-3
    c = Cluster(brokers=brokers, partitions=parts)
    plan = remove_brokers(c, [1])
    assert_hard_constraints(plan)
    assert all(p.replicas.count(4) == 1 for p in plan.after.partitions)
    tight = Cluster(brokers=brokers[:3] + (Broker(4, "a", 50),), partitions=parts)
    with pytest.raises(LogpipeError, match="cannot be placed"):
        remove_brokers(tight, [1])


def test_unknown_or_impossible_requests_fail_clearly(nine):
    with pytest.raises(LogpipeError, match="broker 99 is not in the cluster"):
        remove_brokers(nine, [99])
    with pytest.raises(LogpipeError, match="already in the cluster"):
        add_brokers(nine, [Broker(1, "az-a")])
    small = syn.striped_cluster(syn.Shape(brokers=3, racks=3, topics=syn.uniform_topics(1, 3)))
    with pytest.raises(LogpipeError, match="replication factor 3 exceeds"):
        remove_brokers(small, [1])


def test_same_input_gives_the_same_plan(nine):
    from logpipe.placement.output import dumps, reassignment, report

    a = add_brokers(nine, syn.brokers_for(3, 3, first_id=10))
    b = add_brokers(nine, syn.brokers_for(3, 3, first_id=10))
    assert dumps(report(a)) == dumps(report(b))
    assert dumps(reassignment(a)) == dumps(reassignment(b))
