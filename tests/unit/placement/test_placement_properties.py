"""Property tests: on random clusters every plan keeps the hard constraints, never beats the lower bound, reaches
the count objectives (leaders checked against a brute-force optimum), and is deterministic."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logpipe.placement import Broker, Cluster, Partition, plan, rebalance_leaders
from logpipe.placement.measures import rack_violation
from logpipe.placement.output import dumps, election, reassignment, report


@st.composite
def clusters(draw, max_partitions: int = 24):
    n_racks = draw(st.integers(1, 4))
    n_brokers = draw(st.integers(max(3, n_racks), 9))
    racked = draw(st.booleans())
    brokers = tuple(Broker(i + 1, f"r{i % n_racks}" if racked else None, draw(st.sampled_from([0, 10**6])))
                    for i in range(n_brokers))
    n_parts = draw(st.integers(1, max_partitions))
    parts = []
    for i in range(n_parts):
        rf = draw(st.integers(1, min(3, n_brokers)))
        reps = draw(st.permutations(range(1, n_brokers + 1)))[:rf]
        parts.append(Partition(f"t{i % 3}", i, tuple(reps), draw(st.integers(0, 1000)),
                               float(draw(st.integers(0, 100)))))
    return Cluster(brokers=brokers, partitions=tuple(parts))


def scenario(draw_cluster: Cluster, data) -> dict:
    ids = list(draw_cluster.broker_ids)
    kind = data.draw(st.sampled_from(["rebalance", "add", "remove"]))
    if kind == "add":
        rack = data.draw(st.sampled_from([b.rack for b in draw_cluster.brokers]))
        return {"add": [Broker(100, rack, draw_cluster.brokers[0].capacity_bytes)]}
    max_rf = max((p.rf for p in draw_cluster.partitions), default=1)
    if kind == "remove" and len(ids) - 1 >= max_rf:
        return {"remove": [data.draw(st.sampled_from(ids))]}
    return {}


def best_leader_spread(parts, brokers) -> int:
    """Brute force: the smallest max-min preferred-leader count any choice of leaders gives."""
    best = None
    for choice in itertools.product(*[p.replicas for p in parts]):
        counts = dict.fromkeys(brokers, 0)
        for b in choice:
            counts[b] += 1
        spread = max(counts.values()) - min(counts.values())
        best = spread if best is None else min(best, spread)
    return best or 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters(), st.data())
def test_hard_constraints_bound_and_counts(cluster, data):
    kwargs = scenario(cluster, data)
    result = plan(cluster, options=None, **kwargs)
    before = {p.key: p for p in result.before.partitions}
    ids = set(result.after.broker_ids)
    rack_of = {b.id: result.after.rack_of(b.id) for b in result.after.brokers}
    n_racks = len(set(rack_of.values()))
    for p in result.after.partitions:
        assert len(p.replicas) == before[p.key].rf
        assert len(set(p.replicas)) == len(p.replicas)
        assert set(p.replicas) <= ids
        assert not rack_violation(p.replicas, rack_of, n_racks)
    reached = not any("below its target" in n or "above its count target" in n for n in result.notes)
    m = result.measures()
    if reached:  # the bound is for reaching the count targets; odd rack layouts can make them unreachable
        assert result.moves >= result.lower_bound
        assert m.replica_spread <= max(1, result.forced_replica_spread)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters(max_partitions=6))
def test_leader_spread_matches_the_brute_force_optimum(cluster):
    result = rebalance_leaders(cluster)
    brute = best_leader_spread(cluster.partitions, cluster.broker_ids)
    assert result.measures().leader_spread <= max(1, brute)
    assert result.moves == 0
    for old, new in zip(sorted(cluster.partitions, key=lambda p: p.key), result.after.partitions, strict=True):
        assert set(old.replicas) == set(new.replicas)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters(), st.data())
def test_plans_are_deterministic(cluster, data):
    kwargs = scenario(cluster, data)
    a, b = plan(cluster, **kwargs), plan(cluster, **kwargs)
    for render in (report, reassignment, election):
        assert dumps(render(a)) == dumps(render(b))
    shuffled = Cluster(brokers=tuple(reversed(cluster.brokers)), partitions=tuple(reversed(cluster.partitions)))
    c = plan(shuffled, **kwargs)
    assert dumps(reassignment(a)) == dumps(reassignment(c))
