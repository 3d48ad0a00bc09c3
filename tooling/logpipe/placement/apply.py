"""Applying a plan to a live cluster, safely, through the admin API (kafka-python 3.0.12 has
AlterPartitionReassignments, ListPartitionReassignments, ElectLeaders and IncrementalAlterConfigs, so neither
ZooKeeper nor Kafka's shell tools are needed).

Order: check the cluster still matches the plan's "before"; create new topics; submit replica-order-only changes
(no data moves); then data moves in batches, each under a replication throttle (topic configs
`leader/follower.replication.throttled.replicas` naming exactly the moving replicas, broker configs
`leader/follower.replication.throttled.rate` on the brokers involved), waiting for each batch to finish; remove
every throttle (also on failure); elect preferred leaders where the leader is not replicas[0]; report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from logpipe.errors import LogpipeError
from logpipe.placement.model import Cluster, Partition

BROKER_THROTTLES = ("leader.replication.throttled.rate", "follower.replication.throttled.rate")
TOPIC_THROTTLES = ("leader.replication.throttled.replicas", "follower.replication.throttled.replicas")


@dataclass(frozen=True)
class Change:
    before: Partition
    after: Partition

    @property
    def added(self) -> tuple[int, ...]:
        return tuple(b for b in self.after.replicas if b not in self.before.replicas)

    @property
    def moves_data(self) -> bool:
        return bool(self.added)


@dataclass(frozen=True)
class Batch:
    changes: tuple[Change, ...]
    moves_data: bool

    @property
    def bytes(self) -> int:
        return sum(c.after.size_bytes * len(c.added) for c in self.changes)


def changes(before: Cluster, after: Cluster) -> list[Change]:
    old = {p.key: p for p in before.partitions}
    out = []
    for p in sorted(after.partitions, key=lambda p: p.key):
        prev = old.get(p.key)
        if prev is not None and prev.replicas and prev.replicas != p.replicas:
            out.append(Change(prev, p))
    return out


def batches(items: Sequence[Change], batch_size: int, max_batch_bytes: int = 0) -> list[Batch]:
    """One batch of order-only changes first (instant), then data moves, largest first, at most `batch_size`
    partitions and (when set) `max_batch_bytes` copied per batch; a partition bigger than the byte cap goes alone."""
    if batch_size < 1:
        raise LogpipeError(f"--batch-size {batch_size} must be >= 1")
    order_only = tuple(c for c in items if not c.moves_data)
    moving = sorted((c for c in items if c.moves_data), key=lambda c: (-c.after.size_bytes, c.after.key))
    out = [Batch(order_only, False)] if order_only else []
    current: list[Change] = []
    size = 0
    for c in moving:
        copy = c.after.size_bytes * len(c.added)
        if current and (len(current) >= batch_size or (max_batch_bytes and size + copy > max_batch_bytes)):
            out.append(Batch(tuple(current), True))
            current, size = [], 0
        current.append(c)
        size += copy
    if current:
        out.append(Batch(tuple(current), True))
    return out


def throttle_configs(batch: Batch, rate_bytes: int) -> tuple[dict[str, dict[str, str]], dict[int, dict[str, str]]]:
    """(topic configs, broker configs) that throttle exactly this batch's replication, the way Kafka's own
    reassignment tool does: leaders throttled on the current replicas, followers on the added ones."""
    topics: dict[str, tuple[set[str], set[str]]] = {}
    brokers: set[int] = set()
    for c in batch.changes:
        if not c.moves_data:
            continue
        lead, follow = topics.setdefault(c.after.topic, (set(), set()))
        lead.update(f"{c.after.partition}:{b}" for b in c.before.replicas)
        follow.update(f"{c.after.partition}:{b}" for b in c.added)
        brokers.update(c.before.replicas)
        brokers.update(c.added)
    topic_cfg = {t: {TOPIC_THROTTLES[0]: ",".join(sorted(lead, key=_pb)),
                     TOPIC_THROTTLES[1]: ",".join(sorted(follow, key=_pb))}
                 for t, (lead, follow) in sorted(topics.items())}
    broker_cfg = {b: {k: str(rate_bytes) for k in BROKER_THROTTLES} for b in sorted(brokers)}
    return topic_cfg, broker_cfg


def _pb(item: str) -> tuple[int, int]:
    p, b = item.split(":")
    return int(p), int(b)


def check_unchanged(planned_before: Cluster, live: Cluster, items: Sequence[Change]) -> None:
    """Refuse to apply when a partition the plan changes no longer has the replicas the plan started from."""
    now = {p.key: p for p in live.partitions}
    drift = []
    for c in items:
        cur = now.get(c.before.key)
        if cur is None or set(cur.replicas) != set(c.before.replicas):
            drift.append(f"{c.before.topic}-{c.before.partition}: planned from {list(c.before.replicas)}, now "
                         f"{list(cur.replicas) if cur else 'missing'}")
    if drift:
        shown = "; ".join(drift[:5]) + (f" (+{len(drift) - 5} more)" if len(drift) > 5 else "")
        raise LogpipeError(f"the cluster changed since the plan was made ({shown}); run `logpipe placement plan` "
                           "again")


@dataclass(frozen=True)
class ApplyResult:
    batches: int
    partitions: int
    elections: int
    created_topics: tuple[str, ...]


def apply_plan(admin, before: Cluster, after: Cluster, live: Cluster, *, batch_size: int = 50,
               max_batch_bytes: int = 0, throttle_bytes: int = 50 * 1024**2, batch_timeout: float = 3600.0,
               poll: float = 2.0, dry_run: bool = False,
               progress: Callable[[str], None] = print) -> ApplyResult:
    """Apply `after` (from a plan made on `before`) to the cluster behind `admin`, whose current state is `live`."""
    from kafka import TopicPartition

    items = changes(before, after)
    check_unchanged(before, live, items)
    plan_batches = batches(items, batch_size, max_batch_bytes)
    live_keys = {p.key for p in live.partitions}
    unplaced = {p.key for p in before.partitions if not p.replicas}
    new_topics: dict[str, dict[int, list[int]]] = {}
    for p in after.partitions:
        if p.key not in live_keys and p.key in unplaced:
            new_topics.setdefault(p.topic, {})[p.partition] = list(p.replicas)
    for topic, assignment in sorted(new_topics.items()):
        progress(f"create topic {topic}: {len(assignment)} partitions")
        if not dry_run:
            admin.create_topics({topic: {"assignments": assignment}}, wait_for_metadata=True)
    for i, batch in enumerate(plan_batches, 1):
        kind = "data moves" if batch.moves_data else "replica order only"
        progress(f"batch {i}/{len(plan_batches)}: {len(batch.changes)} partitions, {kind}, "
                 f"{batch.bytes / 1024**2:.1f} MiB to copy")
        if dry_run:
            continue
        topic_cfg, broker_cfg = throttle_configs(batch, throttle_bytes)
        try:
            if batch.moves_data:
                _set_throttles(admin, topic_cfg, broker_cfg)
            request = {TopicPartition(c.after.topic, c.after.partition): list(c.after.replicas)
                       for c in batch.changes}
            errors = admin.alter_partition_reassignments(request)
            bad = {f"{tp.topic}-{tp.partition}": err for tp, err in errors.items() if err is not None}
            if bad:
                raise LogpipeError(f"Kafka refused reassignments: {bad}")
            _wait(admin, list(request), batch_timeout, poll, progress)
        finally:
            if batch.moves_data:
                _clear_throttles(admin, topic_cfg, broker_cfg)
    elected = 0
    if not dry_run:
        elected = elect_preferred(admin, after, poll=poll)
        progress(f"preferred-leader election on {elected} partition(s)")
    return ApplyResult(len(plan_batches), len(items), elected, tuple(sorted(new_topics)))


def elect_preferred(admin, after: Cluster, *, timeout: float = 60.0, poll: float = 2.0) -> int:
    """Preferred-leader election where the live leader is not replicas[0]; returns how many were asked for.

    Repeated until every such partition is led by its preferred replica or `timeout` passes: a replica that has
    just joined the ISR may not be electable yet (Kafka answers PREFERRED_LEADER_NOT_AVAILABLE and the old leader
    stays), so one request can leave leaders where they were. What is still off after `timeout` is left to
    `verify`, which reports it."""
    asked: int | None = None
    deadline = time.monotonic() + timeout
    while True:
        todo = _not_led_by_preferred(admin, after)
        if asked is None:
            asked = sum(len(v) for v in todo.values())
        if not todo or time.monotonic() > deadline:
            return asked
        admin.elect_leaders(0, todo, raise_errors=False)
        time.sleep(poll)


def _not_led_by_preferred(admin, after: Cluster) -> dict[str, list[int]]:
    topics = admin.describe_topics(sorted({p.topic for p in after.partitions}))
    wanted = {p.key: p.replicas[0] for p in after.partitions}
    todo: dict[str, list[int]] = {}
    for t in topics:
        for p in t["partitions"]:
            key = (t["name"], int(p["partition_index"]))
            if key in wanted and p.get("leader_id") != wanted[key]:
                todo.setdefault(t["name"], []).append(key[1])
    return todo


def _set_throttles(admin, topic_cfg, broker_cfg) -> None:
    from kafka.admin import ConfigResource, ConfigResourceType

    resources = [ConfigResource(ConfigResourceType.TOPIC, t, configs=cfg) for t, cfg in topic_cfg.items()]
    resources += [ConfigResource(ConfigResourceType.BROKER, str(b), configs=cfg) for b, cfg in broker_cfg.items()]
    if resources:
        admin.alter_configs(resources, raise_on_unknown=False)


def _clear_throttles(admin, topic_cfg, broker_cfg) -> None:
    from kafka.admin import ConfigResource, ConfigResourceType

    resources = [ConfigResource(ConfigResourceType.TOPIC, t, configs=dict.fromkeys(TOPIC_THROTTLES))
                 for t in topic_cfg]
    resources += [ConfigResource(ConfigResourceType.BROKER, str(b), configs=dict.fromkeys(BROKER_THROTTLES))
                  for b in broker_cfg]
    if resources:
        admin.reset_configs(resources, raise_on_unknown=False)


def _wait(admin, partitions, timeout: float, poll: float, progress: Callable[[str], None]) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while True:
        ongoing = admin.list_partition_reassignments(partitions)
        if not ongoing:
            return
        if len(ongoing) != last:
            progress(f"  waiting: {len(ongoing)} partition(s) still copying")
            last = len(ongoing)
        if time.monotonic() > deadline:
            names = ", ".join(f"{tp.topic}-{tp.partition}" for tp in list(ongoing)[:5])
            raise LogpipeError(f"reassignment batch not done after {timeout:.0f}s (still moving: {names}); it keeps "
                               "running in Kafka: check with `logpipe placement verify`, raise --batch-timeout")
        time.sleep(poll)


def leftover_throttles(admin, topics: Sequence[str], brokers: Sequence[int]) -> list[str]:
    """Throttle configs still set dynamically on these topics and brokers (what verify reports)."""
    from kafka.admin import ConfigResource, ConfigResourceType

    found = []
    resources = [ConfigResource(ConfigResourceType.TOPIC, t, configs=dict.fromkeys(TOPIC_THROTTLES))
                 for t in topics]
    resources += [ConfigResource(ConfigResourceType.BROKER, str(b), configs=dict.fromkeys(BROKER_THROTTLES))
                  for b in brokers]
    if not resources:
        return found
    answer = admin.describe_configs(resources, config_filter="all")
    for kind, by_name in answer.items():
        for name, configs in by_name.items():
            for key, entry in (configs or {}).items():
                source = str(entry.get("config_source", ""))
                if source.startswith("DYNAMIC") and entry.get("value") not in (None, ""):
                    found.append(f"{kind} {name}: {key}={entry['value']}")
    return sorted(found)
