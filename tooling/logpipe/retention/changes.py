"""Re-check the disk budget before a change: more partitions, a new topic, or a new placement.

Kafka keeps a topic's configs when it grows: retention.bytes stays per partition, so doubling the partitions
doubles what the topic may hold. The check therefore keeps the settings in force for existing topics (those of
`plan(inputs)`, including any degraded ages), gives new topics fresh settings at their class's age in force, and
recomputes every broker's budget on the placement after the change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from logpipe.errors import LogpipeError
from logpipe.retention.budget import BrokerBudget, BudgetExceeded, RetentionPlan, budgets_for, plan, settings_for
from logpipe.retention.calc import TopicRetention, topic_retention
from logpipe.retention.model import Broker, BudgetInputs, Placement, Topic, normalise_placement, validate
from logpipe.units import format_bytes


@dataclass(frozen=True)
class AddPartitions:
    """Grow `topic` to `partitions` in total; `new_replicas` places the replicas of the added partitions."""

    topic: str
    partitions: int
    new_replicas: Placement


@dataclass(frozen=True)
class AddTopic:
    topic: Topic
    replicas: Placement


@dataclass(frozen=True)
class PlacementPlan:
    """A complete new placement (broker id -> replicas), e.g. from a reassignment; `brokers` adds new brokers."""

    placement: Placement
    brokers: tuple[Broker, ...] = ()


Change = AddPartitions | AddTopic | PlacementPlan


def apply_change(inputs: BudgetInputs, change: Change) -> BudgetInputs:
    """The inputs as they will be after `change` (validated)."""
    if isinstance(change, AddPartitions):
        topic = inputs.topic_named(change.topic)
        if change.partitions <= topic.partitions:
            raise LogpipeError(
                f"topic {topic.name!r} has {topic.partitions} partitions and Kafka can only grow it: "
                f"got {change.partitions}"
            )
        topics = tuple(replace(t, partitions=change.partitions) if t.name == topic.name else t for t in inputs.topics)
        after = replace(inputs, topics=topics, placement=_merged(inputs.placement, change.new_replicas))
    elif isinstance(change, AddTopic):
        if any(t.name == change.topic.name for t in inputs.topics):
            raise LogpipeError(f"topic {change.topic.name!r} already exists; grow it with AddPartitions")
        after = replace(
            inputs, topics=(*inputs.topics, change.topic), placement=_merged(inputs.placement, change.replicas)
        )
    elif isinstance(change, PlacementPlan):
        known = {b.id for b in inputs.brokers}
        added = tuple(b for b in change.brokers if b.id not in known)
        after = replace(inputs, brokers=(*inputs.brokers, *added), placement=normalise_placement(change.placement))
    else:
        raise LogpipeError(f"unknown change {type(change).__name__}")
    validate(after)
    return after


def _merged(current: Placement, extra: Placement) -> dict[int, tuple[tuple[str, int], ...]]:
    merged: dict[int, list[tuple[str, int]]] = {b: list(r) for b, r in current.items()}
    for broker_id, replicas in extra.items():
        merged.setdefault(int(broker_id), []).extend(replicas)
    return normalise_placement(merged)


def settings_in_force(before: RetentionPlan, after: BudgetInputs) -> dict[str, TopicRetention]:
    """Existing topics keep their per-partition settings; new topics get their class's age in force."""
    in_force = {t.topic: t for t in before.topics}
    ages = {t.topic_class: t.retention_ms for t in before.topics}
    result: dict[str, TopicRetention] = {}
    for topic in sorted(after.topics, key=lambda t: t.name):
        if topic.name in in_force:
            result[topic.name] = replace(in_force[topic.name], partitions=topic.partitions)
        else:
            topic_class = after.class_named(topic.topic_class)
            result[topic.name] = topic_retention(topic, topic_class, after.settings, ages.get(topic_class.name))
    return result


def plan_change(inputs: BudgetInputs, change: Change) -> tuple[BudgetInputs, tuple[BrokerBudget, ...]]:
    """The inputs after `change` and the broker budgets with the settings in force; refuses a change that breaks
    the budget with LogpipeError naming the topic (or plan), the broker and the bytes."""
    try:
        before = plan(inputs)
    except BudgetExceeded as exc:
        raise BudgetExceeded(f"already over budget before the change: {exc}") from exc
    after = apply_change(inputs, change)
    topics = settings_in_force(before, after)
    budgets = budgets_for(after, topics)
    broken = [b for b in budgets if not b.fits]
    if broken:
        worst = min(broken, key=lambda b: (b.tightest.free_bytes, b.broker_id))
        raise BudgetExceeded(_refusal(change, worst, inputs, after, topics))
    return after, budgets


def check_change(inputs: BudgetInputs, change: Change) -> None:
    """None when `change` keeps every disk within budget; LogpipeError with the numbers when it does not."""
    plan_change(inputs, change)


def _refusal(
    change: Change, broker: BrokerBudget, before: BudgetInputs, after: BudgetInputs, topics: dict[str, TopicRetention]
) -> str:
    disk = broker.tightest
    where = f"broker {broker.broker_id}" + (f" (disk {disk.path})" if len(broker.disks) > 1 else "")
    room = (
        f"{after.settings.disk_headroom:.0%} of {format_bytes(disk.capacity_bytes)} less "
        f"{format_bytes(disk.reserve_bytes)} reserved for moves"
    )
    if isinstance(change, PlacementPlan):
        return (
            f"placement plan refused: {where} would need {format_bytes(disk.need_bytes)} for {disk.replicas} replicas "
            f"and has {format_bytes(disk.available_bytes)} ({room}): {format_bytes(-disk.free_bytes)} over"
        )
    name = change.topic if isinstance(change, AddPartitions) else change.topic.name
    topic_need = sum(need for topic, need in disk.need_by_topic if topic == name)
    free = disk.available_bytes - (disk.need_bytes - topic_need)
    message = (
        f"topic {name!r} needs {format_bytes(topic_need)} on {where}, which has {format_bytes(free)} free "
        f"({room}, {format_bytes(disk.need_bytes - topic_need)} held by other topics): "
        f"{format_bytes(-disk.free_bytes)} over"
    )
    if isinstance(change, AddPartitions):
        entry = topics[name]
        message += (
            f"; retention.bytes stays {format_bytes(entry.retention_bytes)} per partition when the topic grows "
            f"from {before.topic_named(name).partitions} to {change.partitions} partitions"
        )
        message += _replan_hint(after, name, topics)
    return message


def _replan_hint(after: BudgetInputs, name: str, in_force: dict[str, TopicRetention]) -> str:
    """If re-planned settings (at the ages in force) fit after growing, say which retention.bytes to apply first."""
    topic_class = after.class_named(after.topic_named(name).topic_class)
    ages = {c.name: c.age_ms for c in after.classes}
    ages.update({t.topic_class: t.retention_ms for t in in_force.values()})
    fresh = settings_for(after, ages)
    if all(b.fits for b in budgets_for(after, fresh)):
        return (
            f"; first apply the re-planned retention.bytes {format_bytes(fresh[name].retention_bytes)} "
            f"(class {topic_class.name!r}), then grow"
        )
    return "; it does not fit re-planned either: add disk or brokers, or shorten the class age"
