"""Replica-count targets and the movement lower bound."""

from __future__ import annotations

from logpipe.placement.targets import replica_targets


def test_even_racks_give_spread_at_most_one_and_extra_to_the_fullest():
    brokers = [1, 2, 3, 4]
    racks = {1: "a", 2: "b", 3: "a", 4: "b"}
    t = replica_targets(brokers, racks, [2] * 5, {1: 4, 2: 3, 3: 2, 4: 1}, n_racks=2)
    assert sum(t.counts.values()) == 10
    assert t.forced_spread == 1  # 10 over 4 brokers: 3, 3, 2, 2
    assert t.counts == {1: 3, 3: 2, 2: 3, 4: 2}
    assert t.lower_bound_count == 1 + 0  # broker 1 holds one too many; broker 2 keeps its 3


def test_unequal_racks_force_a_spread_when_every_partition_needs_every_rack():
    brokers = list(range(1, 10))  # racks of 3, 3 and 2 after broker 9 leaves
    racks = {b: "abc"[(b - 1) % 3] for b in range(1, 10)}
    current = dict.fromkeys(range(1, 10), 4)
    t = replica_targets(brokers[:8], racks, [3] * 12, current, n_racks=3)
    assert t.rack_totals == {"a": 12, "b": 12, "c": 12}
    assert t.counts[3] == 6 and t.counts[6] == 6  # rack c has two brokers left for 12 replicas
    assert t.forced_spread == 2
    assert t.lower_bound_count == 4  # every replica of broker 9 must move


def test_leaving_brokers_count_fully_in_the_bound():
    t = replica_targets([1, 2], {1: "r1", 2: "r2", 3: "r3"}, [1] * 6, {1: 2, 2: 2, 3: 2}, n_racks=2)
    assert t.counts == {1: 3, 2: 3}
    assert t.lower_bound_count == 2
