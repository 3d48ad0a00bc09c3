"""Measures of a placement, computed the same way for a plan, for Kafka's own --generate and for a live cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from logpipe.placement.model import Cluster, Partition


@dataclass(frozen=True)
class BrokerLoad:
    broker: int
    rack: str | None
    replicas: int
    leaders: int
    leader_bytes_in: float
    disk_bytes: int
    capacity_bytes: int


@dataclass(frozen=True)
class Measures:
    brokers: tuple[BrokerLoad, ...]
    replica_spread: int
    leader_spread: int
    topic_leader_spread_max: int  # the worst per-topic preferred-leader spread
    leader_bytes_max_over_mean: float
    disk_max_over_mean: float  # of utilisation when every capacity is known, else of bytes
    rack_violations: int  # partitions whose replicas are not spread over racks as evenly as possible

    def as_dict(self) -> dict:
        return asdict(self)


def rack_violation(replicas: Sequence[int], rack_of: Mapping[int, str], n_racks: int) -> bool:
    rf = len(replicas)
    if rf == 0 or n_racks <= 0:
        return False
    counts: dict[str, int] = {}
    for b in replicas:
        counts[rack_of[b]] = counts.get(rack_of[b], 0) + 1
    most, least = -(-rf // n_racks), rf // n_racks
    if max(counts.values()) > most:
        return True
    return least > 0 and (len(counts) < n_racks or min(counts.values()) < least)


def measure(cluster: Cluster, *, leaders: Mapping[tuple[str, int], int] | None = None) -> Measures:
    """Measures over every broker of `cluster`. Leaders are the preferred ones (replicas[0]) unless `leaders`
    gives the actual leader of some partitions (a live cluster)."""
    rack_of = {b.id: (b.rack if b.rack is not None else f"broker-{b.id}") for b in cluster.brokers}
    n_racks = len(set(rack_of.values()))
    reps = dict.fromkeys(rack_of, 0)
    lead = dict.fromkeys(rack_of, 0)
    lbytes = dict.fromkeys(rack_of, 0.0)
    disk = dict.fromkeys(rack_of, 0)
    per_topic: dict[str, dict[int, int]] = {}
    violations = 0
    for p in cluster.partitions:
        if not p.replicas:
            continue
        for b in p.replicas:
            reps[b] += 1
            disk[b] += p.size_bytes
        leader = _leader(p, leaders)
        lead[leader] += 1
        lbytes[leader] += p.bytes_in_per_sec
        topic = per_topic.setdefault(p.topic, {})
        topic[leader] = topic.get(leader, 0) + 1
        if rack_violation(p.replicas, rack_of, n_racks):
            violations += 1
    ids = sorted(rack_of)
    loads = tuple(BrokerLoad(b, cluster.broker(b).rack, reps[b], lead[b], lbytes[b], disk[b],
                             cluster.broker(b).capacity_bytes) for b in ids)
    topic_spread = 0
    for counts in per_topic.values():
        values = [counts.get(b, 0) for b in ids]
        topic_spread = max(topic_spread, max(values) - min(values))
    caps = {b.id: b.capacity_bytes for b in cluster.brokers}
    known = all(c > 0 for c in caps.values())
    usage = [disk[b] / caps[b] if known else float(disk[b]) for b in ids]
    return Measures(
        brokers=loads,
        replica_spread=_spread(reps.values()),
        leader_spread=_spread(lead.values()),
        topic_leader_spread_max=topic_spread,
        leader_bytes_max_over_mean=_max_over_mean(lbytes.values()),
        disk_max_over_mean=_max_over_mean(usage),
        rack_violations=violations,
    )


def replica_moves(before: Cluster, after: Cluster) -> tuple[int, int]:
    """(replicas that must be copied, bytes copied): brokers in a partition's new set but not its old one.
    Partitions that had no replicas (new topics) are placements, not moves."""
    old = {p.key: p for p in before.partitions}
    moves = 0
    moved_bytes = 0
    for p in after.partitions:
        prev = old.get(p.key)
        if prev is None or not prev.replicas:
            continue
        added = len(set(p.replicas) - set(prev.replicas))
        moves += added
        moved_bytes += added * p.size_bytes
    return moves, moved_bytes


def _leader(p: Partition, leaders: Mapping[tuple[str, int], int] | None) -> int:
    if leaders is not None and p.key in leaders and leaders[p.key] in p.replicas:
        return leaders[p.key]
    return p.replicas[0]


def _spread(values) -> int:
    values = list(values)
    return max(values) - min(values) if values else 0


def _max_over_mean(values) -> float:
    values = list(values)
    if not values:
        return 1.0
    mean = sum(values) / len(values)
    return max(values) / mean if mean > 0 else 1.0
