"""Seeded synthetic clusters for tests and benchmarks (the shape of shared/placement.md).

Initial placements are what a cluster looks like after topics were created over time: each topic striped over a
rack-alternating broker list from a random start with a random follower stride, so counts start nearly even and
every partition is rack-spread. Sizes and byte rates are heterogeneous: a per-topic log-normal base times a
per-partition factor (keyed topics are skewed).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from logpipe.errors import LogpipeError
from logpipe.placement.model import Broker, Cluster, Partition

GIB = 1024**3


@dataclass(frozen=True)
class Shape:
    brokers: int
    racks: int
    topics: tuple[tuple[str, int], ...]  # (name, partitions)
    rf: int = 3
    capacity_bytes: int = 4096 * GIB
    fill: float = 0.45  # mean disk use as a share of capacity
    seed: int = 7


def uniform_topics(n_topics: int, partitions: int) -> tuple[tuple[str, int], ...]:
    return tuple((f"t{i:04d}", partitions) for i in range(n_topics))


def mixed_topics(n_topics: int, seed: int) -> tuple[tuple[str, int], ...]:
    """Topics of 6-96 partitions, most of them small."""
    rng = random.Random(seed)
    sizes = rng.choices([6, 12, 24, 48, 96], weights=[30, 30, 20, 15, 5], k=n_topics)
    return tuple((f"m{i:04d}", n) for i, n in enumerate(sizes))


def rack_name(i: int) -> str:
    return f"az-{chr(ord('a') + i)}" if i < 26 else f"az-{i}"


def brokers_for(count: int, racks: int, first_id: int = 1, capacity_bytes: int = 4096 * GIB) -> list[Broker]:
    """Brokers first_id.. with racks assigned round-robin (first_id -> az-a, next -> az-b, ...)."""
    return [Broker(first_id + i, rack_name(i % racks), capacity_bytes) for i in range(count)]


def striped_cluster(shape: Shape) -> Cluster:
    if shape.brokers % shape.racks:
        raise LogpipeError(f"shape: {shape.brokers} brokers do not divide into {shape.racks} racks evenly")
    if shape.rf > shape.brokers:
        raise LogpipeError(f"shape: rf {shape.rf} exceeds {shape.brokers} brokers")
    rng = random.Random(shape.seed)
    brokers = brokers_for(shape.brokers, shape.racks, capacity_bytes=shape.capacity_bytes)
    order = [b.id for b in brokers]  # already rack-alternating
    n = len(order)
    raw: list[tuple[str, int, tuple[int, ...], float, float]] = []
    for name, count in shape.topics:
        start = rng.randrange(n)
        shift = rng.randrange(max(1, n // shape.racks - 1))
        stride = 1 + shape.racks * shift
        base_size = rng.lognormvariate(0, 0.8)
        base_rate = rng.lognormvariate(0, 1.0)
        for j in range(count):
            reps = tuple(order[(start + j + i * stride) % n] for i in range(shape.rf))
            if len(set(reps)) != len(reps):
                reps = tuple(order[(start + j + i) % n] for i in range(shape.rf))
            factor = rng.lognormvariate(0, 0.35)
            raw.append((name, j, reps, base_size * factor, base_rate * factor))
    total_weight = sum(w for *_, w, _r in raw) * shape.rf
    scale = shape.fill * shape.capacity_bytes * shape.brokers / total_weight if total_weight else 0
    parts = tuple(Partition(topic=t, partition=j, replicas=reps, size_bytes=int(w * scale),
                            bytes_in_per_sec=round(r * 1e6, 1)) for t, j, reps, w, r in raw)
    return Cluster(brokers=tuple(brokers), partitions=parts)


def skew_leaders(cluster: Cluster, favoured: Sequence[int]) -> Cluster:
    """Make `favoured` brokers the preferred leader of every partition they hold (the seed's 'all consumer
    traffic on one broker')."""
    rank = {b: i for i, b in enumerate(favoured)}
    parts = []
    for p in cluster.partitions:
        lead = min(p.replicas, key=lambda b: (rank.get(b, len(rank)), p.replicas.index(b)))
        parts.append(Partition(p.topic, p.partition, (lead, *[b for b in p.replicas if b != lead]), p.size_bytes,
                               p.bytes_in_per_sec))
    return Cluster(brokers=cluster.brokers, partitions=tuple(parts))
