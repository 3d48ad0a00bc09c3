"""The per-broker disk budget, and the planner that fits every class's age goal into it (or says why not).

Per disk the budget counts, for the replicas it may host, each replica's peak disk footprint (calc.py), and keeps
free a reserve for in-flight moves (move_reserve_partitions x the largest partition in the cluster); all of it
must stay within disk_headroom (80%) of the disk. A broker with several log directories (JBOD) gets new
partitions on the directory with the fewest partitions, so each directory is checked against the worst case it
can be dealt: the ceil(replicas / directories) largest replicas the broker hosts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from logpipe.errors import LogpipeError
from logpipe.retention.calc import TopicRetention, topic_retention
from logpipe.retention.model import Broker, BudgetInputs, Replica, Settings, TopicClass, validate
from logpipe.units import format_bytes, format_duration

MINUTE_MS = 60_000


class BudgetExceeded(LogpipeError):
    """The goals or a change do not fit the disks; the message names who, where and by how much."""


@dataclass(frozen=True)
class DiskBudget:
    path: str
    capacity_bytes: int
    usable_bytes: int  # disk_headroom x capacity
    reserve_bytes: int  # kept free for in-flight moves
    need_bytes: int  # worst-case peak footprint of the replicas this directory may hold
    replicas: int  # how many replicas that worst case counts
    need_by_topic: tuple[tuple[str, int], ...]  # the worst case split by topic, largest first

    @property
    def available_bytes(self) -> int:
        return self.usable_bytes - self.reserve_bytes

    @property
    def free_bytes(self) -> int:
        return self.available_bytes - self.need_bytes


@dataclass(frozen=True)
class BrokerBudget:
    broker_id: int
    replicas: int
    need_by_topic: tuple[tuple[str, int], ...]  # all hosted replicas, pooled over the broker's disks
    disks: tuple[DiskBudget, ...]

    @property
    def need_bytes(self) -> int:
        return sum(need for _, need in self.need_by_topic)

    @property
    def capacity_bytes(self) -> int:
        return sum(disk.capacity_bytes for disk in self.disks)

    @property
    def tightest(self) -> DiskBudget:
        """The disk with the least free room (first in path order on ties)."""
        return min(self.disks, key=lambda disk: (disk.free_bytes, disk.path))

    @property
    def fits(self) -> bool:
        return all(disk.free_bytes >= 0 for disk in self.disks)


@dataclass(frozen=True)
class Degradation:
    topic_class: str
    priority: int
    goal_ms: int
    age_ms: int


@dataclass(frozen=True)
class RetentionPlan:
    topics: tuple[TopicRetention, ...]
    brokers: tuple[BrokerBudget, ...]
    degraded: tuple[Degradation, ...]
    settings: Settings

    @property
    def fits(self) -> bool:
        return all(broker.fits for broker in self.brokers)

    def topic(self, name: str) -> TopicRetention:
        for entry in self.topics:
            if entry.topic == name:
                return entry
        raise LogpipeError(f"no topic named {name!r} in the retention plan")

    def broker(self, broker_id: int) -> BrokerBudget:
        for entry in self.brokers:
            if entry.broker_id == broker_id:
                return entry
        raise LogpipeError(f"no broker {broker_id} in the retention plan")


def move_reserve(topics: Mapping[str, TopicRetention], settings: Settings) -> int:
    largest = max((entry.peak_disk_bytes for entry in topics.values()), default=0)
    return settings.move_reserve_partitions * largest


def broker_budget(
    broker: Broker, hosted: tuple[Replica, ...], topics: Mapping[str, TopicRetention], settings: Settings, reserve: int
) -> BrokerBudget:
    counts = Counter(topic for topic, _ in hosted)
    peaks = {name: topics[name].peak_disk_bytes for name in counts}
    need_by_topic = tuple(
        sorted(((name, counts[name] * peaks[name]) for name in counts), key=lambda kv: (-kv[1], kv[0]))
    )
    share = math.ceil(len(hosted) / len(broker.disks))
    worst = _largest(counts, peaks, share)
    worst_need = sum(need for _, need in worst)
    disks = tuple(
        DiskBudget(
            path=disk.path,
            capacity_bytes=disk.capacity_bytes,
            usable_bytes=int(disk.capacity_bytes * settings.disk_headroom),
            reserve_bytes=reserve,
            need_bytes=worst_need,
            replicas=share,
            need_by_topic=worst,
        )
        for disk in broker.disks
    )
    return BrokerBudget(broker_id=broker.id, replicas=len(hosted), need_by_topic=need_by_topic, disks=disks)


def _largest(counts: Counter[str], peaks: Mapping[str, int], share: int) -> tuple[tuple[str, int], ...]:
    """The `share` largest replicas among those counted, grouped by topic, largest first."""
    taken: list[tuple[str, int]] = []
    for name in sorted(counts, key=lambda n: (-peaks[n], n)):
        if share <= 0:
            break
        take = min(counts[name], share)
        taken.append((name, take * peaks[name]))
        share -= take
    return tuple(taken)


def budgets_for(inputs: BudgetInputs, topics: Mapping[str, TopicRetention]) -> tuple[BrokerBudget, ...]:
    reserve = move_reserve(topics, inputs.settings)
    return tuple(
        broker_budget(broker, tuple(inputs.placement.get(broker.id, ())), topics, inputs.settings, reserve)
        for broker in sorted(inputs.brokers, key=lambda b: b.id)
    )


def settings_for(inputs: BudgetInputs, ages: Mapping[str, int]) -> dict[str, TopicRetention]:
    classes = {c.name: c for c in inputs.classes}
    return {
        topic.name: topic_retention(topic, classes[topic.topic_class], inputs.settings, ages[topic.topic_class])
        for topic in sorted(inputs.topics, key=lambda t: t.name)
    }


def plan(inputs: BudgetInputs) -> RetentionPlan:
    """Settings for every topic and the budget of every broker. Raises LogpipeError naming the class and the
    shortfall when the goals do not fit, unless settings.degrade allows shortening classes by priority."""
    validate(inputs)
    ages = {c.name: c.age_ms for c in inputs.classes}
    topics = settings_for(inputs, ages)
    budgets = budgets_for(inputs, topics)
    if not all(b.fits for b in budgets):
        if not inputs.settings.degrade:
            raise BudgetExceeded(shortfall_message(inputs, topics, budgets))
        ages = _degrade(inputs, ages)
        topics = settings_for(inputs, ages)
        budgets = budgets_for(inputs, topics)
    degraded = tuple(
        Degradation(c.name, c.priority, c.age_ms, ages[c.name])
        for c in sorted(inputs.classes, key=lambda c: (c.priority, c.name))
        if ages[c.name] < c.age_ms
    )
    return RetentionPlan(tuple(topics.values()), budgets, degraded, inputs.settings)


def degrade_order(classes: tuple[TopicClass, ...]) -> list[TopicClass]:
    """Least important first: the largest priority number, then by name."""
    return sorted(classes, key=lambda c: (-c.priority, c.name))


def _fits(inputs: BudgetInputs, ages: Mapping[str, int]) -> bool:
    return all(b.fits for b in budgets_for(inputs, settings_for(inputs, ages)))


def _degrade(inputs: BudgetInputs, goals: Mapping[str, int]) -> dict[str, int]:
    """Shorten classes, least important first, each as little as needed (to the whole minute) and never below its
    min_age; stop at the first class whose shortening makes everything fit."""
    ages = dict(goals)
    for topic_class in degrade_order(inputs.classes):
        floor = topic_class.floor_ms
        if floor >= ages[topic_class.name]:
            continue
        at_floor = {**ages, topic_class.name: floor}
        if not _fits(inputs, at_floor):
            ages = at_floor
            continue
        ages[topic_class.name] = _longest_fitting_minute(inputs, ages, topic_class.name, floor)
        return ages
    topics = settings_for(inputs, ages)
    raise BudgetExceeded(shortfall_message(inputs, topics, budgets_for(inputs, topics), degraded_to=ages))


def _longest_fitting_minute(inputs: BudgetInputs, ages: Mapping[str, int], name: str, floor: int) -> int:
    """The longest whole-minute age in [floor, current age) that fits (floor itself is known to fit), or floor."""
    lowest = -(-floor // MINUTE_MS)  # ceil
    if lowest * MINUTE_MS >= ages[name] or not _fits(inputs, {**ages, name: lowest * MINUTE_MS}):
        return floor
    fits, too_long = lowest, -(-ages[name] // MINUTE_MS)  # the current age does not fit
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if _fits(inputs, {**ages, name: middle * MINUTE_MS}):
            fits = middle
        else:
            too_long = middle
    return fits * MINUTE_MS


def shortfall_message(
    inputs: BudgetInputs,
    topics: Mapping[str, TopicRetention],
    budgets: tuple[BrokerBudget, ...],
    degraded_to: Mapping[str, int] | None = None,
) -> str:
    """Name the worst disk, its shortfall, and the classes that fill it, with the least important as the fix."""
    broker = min(budgets, key=lambda b: (b.tightest.free_bytes, b.broker_id))
    disk = broker.tightest
    by_class: dict[str, int] = {}
    for name, need in disk.need_by_topic:
        by_class[topics[name].topic_class] = by_class.get(topics[name].topic_class, 0) + need
    classes = {c.name: c for c in inputs.classes}
    ranked = sorted(by_class, key=lambda n: (-by_class[n], n))
    parts = ", ".join(
        f"class {n!r} (priority {classes[n].priority}, age {format_duration(topics_age(topics, n))}) "
        f"{format_bytes(by_class[n])}"
        for n in ranked
    )
    least = max(ranked, key=lambda n: (classes[n].priority, n)) if ranked else None
    lead = f"class {least!r}" if least else "no class"
    message = (
        f"retention goals do not fit: {lead} is short by {format_bytes(-disk.free_bytes)} on broker "
        f"{broker.broker_id} (disk {disk.path}): needs {format_bytes(disk.need_bytes)} for {disk.replicas} "
        f"replicas, has {format_bytes(disk.available_bytes)} ({inputs.settings.disk_headroom:.0%} of "
        f"{format_bytes(disk.capacity_bytes)} less {format_bytes(disk.reserve_bytes)} reserved for moves); "
        f"there: {parts}"
    )
    if degraded_to is not None:
        shortened = [c for c in degrade_order(inputs.classes) if degraded_to[c.name] < c.age_ms]
        done = ", ".join(f"{c.name} to {format_duration(degraded_to[c.name])}" for c in shortened) or "nothing"
        return message + f"; degrading shortened {done} and it still does not fit: add disk or brokers"
    if least:
        return message + f"; shorten the age of class {least!r}, give it a min_age and plan with degrade, or add disk"
    return message


def topics_age(topics: Mapping[str, TopicRetention], class_name: str) -> int:
    return next(t.retention_ms for t in topics.values() if t.topic_class == class_name)
