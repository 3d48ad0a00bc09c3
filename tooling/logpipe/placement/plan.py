"""The planner entry points: one pure function per scenario, all built on `plan()`.

Objectives, in order: hard constraints (replication factor, no broker twice, rack spread, disk <= limit counting
every move in flight), replica-count spread <= 1 (or the smallest the racks allow), preferred-leader spread <= 1
(globally, and per topic where the replica sets allow), leader bytes-in balance, disk max/mean <= tolerance, and
the fewest replica moves. Every plan carries the movement lower bound it is measured against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from logpipe.errors import LogpipeError
from logpipe.placement import leaders as leaders_mod
from logpipe.placement import replicas as rep
from logpipe.placement.measures import Measures, measure, rack_violation, replica_moves
from logpipe.placement.model import Broker, Cluster, Partition
from logpipe.placement.targets import replica_targets


@dataclass(frozen=True)
class Options:
    disk_limit: float = 0.80  # of capacity, counting every move in flight
    disk_tolerance: float = 1.05  # max/mean of disk use the planner aims for
    leader_bytes_tolerance: float = 1.02  # max/mean of leader bytes-in the planner aims for
    max_disk_swaps: int | None = None  # default: 5% of the movement lower bound + 20

    def __post_init__(self) -> None:
        if not 0 < self.disk_limit <= 1:
            raise LogpipeError(f"disk_limit {self.disk_limit} must be in (0, 1], e.g. 0.8 for 80%")
        if self.disk_tolerance < 1 or self.leader_bytes_tolerance < 1:
            raise LogpipeError("disk_tolerance and leader_bytes_tolerance must be >= 1.0 (max over mean)")


@dataclass(frozen=True)
class Plan:
    scenario: str
    before: Cluster  # every broker, including ones being added and removed
    after: Cluster  # the brokers that stay, with the planned replica lists (replicas[0] = preferred leader)
    lower_bound: int  # fewest replica moves any plan meeting the count and rack objectives needs
    moves: int
    moved_bytes: int
    new_replicas: int  # replicas of new partitions placed (not moves)
    forced_replica_spread: int  # the smallest replica-count spread the racks allow
    topic_leader_spread_relaxed: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    def measures(self) -> Measures:
        return measure(self.after)

    def measures_before(self) -> Measures:
        return measure(self.before)

    @property
    def changed(self) -> tuple[tuple[Partition, Partition], ...]:
        """(before, after) for every existing partition whose replica list or order changes."""
        old = {p.key: p for p in self.before.partitions}
        out = []
        for p in self.after.partitions:
            prev = old[p.key]
            if prev.replicas and prev.replicas != p.replicas:
                out.append((prev, p))
        return tuple(out)


def plan(cluster: Cluster, *, add: Sequence[Broker] = (), remove: Sequence[int] = (), leaders_only: bool = False,
         move_existing: bool = True, scenario: str = "rebalance", options: Options | None = None) -> Plan:
    """Plan replicas and leaders for `cluster` with brokers `add`ed and `remove`d.

    `leaders_only` moves no data (only replica order changes); `move_existing=False` places only partitions that
    have no replicas yet (a new topic) and keeps every existing replica and leader where it is."""
    opts = options or Options()
    before = _with_brokers(cluster, add, remove)
    leaving = set(remove)
    targets_ids = sorted(b.id for b in before.brokers if b.id not in leaving)
    if not targets_ids:
        raise LogpipeError("remove: removing every broker leaves nowhere to place replicas")
    if leaders_only and (add or remove):
        raise LogpipeError("leaders_only moves no data, so it cannot add or remove brokers")
    parts = sorted(before.partitions, key=lambda p: p.key)
    if leaders_only and any(not p.replicas for p in parts):
        raise LogpipeError("leaders_only: partitions without replicas need placement; plan them without "
                           "leaders_only")
    for p in parts:
        if p.rf > len(targets_ids):
            raise LogpipeError(f"partition {p.topic}-{p.partition}: replication factor {p.rf} exceeds the "
                               f"{len(targets_ids)} broker(s) that would remain")

    topics = sorted({p.topic for p in parts})
    tindex = {t: i for i, t in enumerate(topics)}
    rack_of = {b.id: before.rack_of(b.id) for b in before.brokers}
    n_racks = len({rack_of[b] for b in targets_ids})
    group_of = {b: (rack_of[b] if before.racks_enabled else "*") for b in targets_ids}
    current = {b.id: 0 for b in before.brokers}
    for p in parts:
        for b in p.replicas:
            current[b] += 1
    rfs = [p.rf for p in parts]
    targets = replica_targets(targets_ids, rack_of, rfs, current, n_racks)
    capacity = {b.id: b.capacity_bytes for b in before.brokers}
    used_now = {b.id: b.reserved_bytes for b in before.brokers}
    for p in parts:
        for b in p.replicas:
            used_now[b] += p.size_bytes

    state = rep.State(
        brokers=targets_ids, rack_of=rack_of, group_of=group_of, n_racks=n_racks, topics=topics,
        topic_of=[tindex[p.topic] for p in parts], size=[p.size_bytes for p in parts],
        orig=[p.replicas for p in parts],
        reps=[list(p.replicas) if p.replicas else [rep.EMPTY] * p.rf for p in parts],
        capacity=capacity, used_now=used_now, disk_limit=opts.disk_limit, targets=targets.counts,
    )
    target_racks = {rack_of[b] for b in targets_ids}
    rack_bound = sum(_rack_moves(p.replicas, rack_of, target_racks) for p in parts
                     if p.replicas and rack_violation(p.replicas, rack_of, n_racks))
    lower_bound = 0 if leaders_only or not move_existing else max(targets.lower_bound_count, rack_bound)
    topic_total = [0] * len(topics)
    for p in parts:
        topic_total[tindex[p.topic]] += p.rf

    if not leaders_only:
        items = rep.mandatory_items(state, leaving)
        if move_existing:
            items += rep.voluntary_items(state, topic_total)
        returned = rep.assign(state, items, topic_total)
        if move_existing:
            if returned:
                rep.repair(state)
            swaps = opts.max_disk_swaps if opts.max_disk_swaps is not None else lower_bound // 20 + 20
            rep.balance_disk(state, opts.disk_tolerance, swaps)

    prior = [(p.leader if p.leader in p.replicas else p.replicas[0]) if p.replicas else None for p in parts]
    pinned = [bool(p.replicas) and not move_existing for p in parts]
    chosen = leaders_mod.choose_leaders(state.reps, state.topic_of, [p.bytes_in_per_sec for p in parts],
                                        targets_ids, topics, prior, pinned=pinned,
                                        bytes_tolerance=opts.leader_bytes_tolerance)
    new_parts = []
    for i, p in enumerate(parts):
        lead = chosen.leaders[i]
        ordered = (lead, *[b for b in state.reps[i] if b != lead])
        new_parts.append(Partition(topic=p.topic, partition=p.partition, replicas=ordered, size_bytes=p.size_bytes,
                                   bytes_in_per_sec=p.bytes_in_per_sec, leader=p.leader))
    after = Cluster(brokers=tuple(b for b in before.brokers if b.id not in leaving), partitions=tuple(new_parts))
    moves, moved_bytes = replica_moves(before, after)
    notes = list(dict.fromkeys(state.notes))
    if targets.forced_spread > 1:
        notes.append(f"racks of unequal size force a replica-count spread of {targets.forced_spread} "
                     f"(rack totals {dict(sorted(targets.rack_totals.items()))})")
    return Plan(scenario=scenario, before=before, after=after, lower_bound=lower_bound, moves=moves,
                moved_bytes=moved_bytes, new_replicas=sum(p.rf for p in parts if not p.replicas),
                forced_replica_spread=targets.forced_spread, topic_leader_spread_relaxed=chosen.topic_spread_relaxed,
                notes=tuple(notes))


def _rack_moves(replicas: Sequence[int], rack_of: dict[int, str], racks: set[str]) -> int:
    n_racks = len(racks)
    rf = len(replicas)
    most, least = -(-rf // n_racks), rf // n_racks
    counts: dict[str, int] = {}
    for b in replicas:
        counts[rack_of[b]] = counts.get(rack_of[b], 0) + 1
    over = sum(max(0, c - most) for c in counts.values())
    short = sum(max(0, least - counts.get(k, 0)) for k in racks)
    return max(over, short)


def _with_brokers(cluster: Cluster, add: Sequence[Broker], remove: Sequence[int]) -> Cluster:
    known = set(cluster.broker_ids)
    for b in add:
        if b.id in known:
            raise LogpipeError(f"add: broker {b.id} is already in the cluster")
    for b in remove:
        if b not in known:
            raise LogpipeError(f"remove: broker {b} is not in the cluster (known: {sorted(known)})")
    if len(set(remove)) != len(remove):
        raise LogpipeError(f"remove: broker ids {list(remove)} repeat")
    return Cluster(brokers=tuple(cluster.brokers) + tuple(add), partitions=cluster.partitions)


# -- scenarios -------------------------------------------------------------------------------------------------

def add_brokers(cluster: Cluster, brokers: Sequence[Broker], options: Options | None = None) -> Plan:
    if not brokers:
        raise LogpipeError("add: give at least one broker to add")
    return plan(cluster, add=brokers, scenario="add-brokers", options=options)


def remove_brokers(cluster: Cluster, broker_ids: Sequence[int], options: Options | None = None) -> Plan:
    if not broker_ids:
        raise LogpipeError("remove: give at least one broker id to remove")
    return plan(cluster, remove=broker_ids, scenario="remove-brokers", options=options)


def replace_broker(cluster: Cluster, old: int, new: Broker, options: Options | None = None) -> Plan:
    """Move everything off `old` onto `new` (which inherits old's rack and capacity when it gives none)."""
    prev = cluster.broker(old)
    rack = new.rack if new.rack is not None else prev.rack
    capacity = new.capacity_bytes or prev.capacity_bytes
    return plan(cluster, add=[Broker(new.id, rack, capacity, new.reserved_bytes)], remove=[old],
                scenario="replace-broker",
                options=options)


def rebalance_leaders(cluster: Cluster, options: Options | None = None) -> Plan:
    return plan(cluster, leaders_only=True, scenario="leaders-only", options=options)


def rebalance(cluster: Cluster, options: Options | None = None) -> Plan:
    return plan(cluster, scenario="rebalance", options=options)


def place_topic(cluster: Cluster, topic: str, partitions: int, replication_factor: int, size_bytes: int = 0,
                bytes_in_per_sec: float = 0.0, options: Options | None = None) -> Plan:
    """Place a new topic's partitions (size and rate per partition are estimates) without moving anything else."""
    if any(p.topic == topic for p in cluster.partitions):
        raise LogpipeError(f"topic {topic!r} already exists; use rebalance to move its replicas")
    if partitions < 1:
        raise LogpipeError(f"topic {topic!r}: partitions must be >= 1, got {partitions}")
    new = [Partition(topic=topic, partition=i, replicas=(), size_bytes=size_bytes, bytes_in_per_sec=bytes_in_per_sec,
                     replication_factor=replication_factor) for i in range(partitions)]
    grown = Cluster(brokers=cluster.brokers, partitions=tuple(cluster.partitions) + tuple(new))
    return plan(grown, move_existing=False, scenario="new-topic", options=options)
