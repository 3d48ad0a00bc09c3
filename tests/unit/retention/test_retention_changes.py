"""Re-checking the budget on every change: partition growth, new topics, placement plans (incl. Kafka's JSON)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from logpipe.errors import LogpipeError
from logpipe.retention import (
    AddPartitions,
    AddTopic,
    Broker,
    BudgetExceeded,
    Disk,
    PlacementPlan,
    Topic,
    check_change,
    placement_from_partitions,
    placement_from_reassignment,
    plan,
    plan_change,
)
from logpipe.units import format_bytes

TiB = 1024**4


def striped(topic: str, partitions: range, brokers: list[int], rf: int = 3) -> dict[int, list[tuple[str, int]]]:
    hosted: dict[int, list[tuple[str, int]]] = {b: [] for b in brokers}
    for p in partitions:
        for r in range(rf):
            hosted[brokers[(p + r) % len(brokers)]].append((topic, p))
    return hosted


def test_partition_increase_that_would_overflow_a_broker_is_refused_with_the_numbers(make_inputs) -> None:
    inputs = make_inputs()
    before = plan(inputs)
    access = before.topic("access")
    with pytest.raises(BudgetExceeded) as caught:
        check_change(inputs, AddPartitions("access", 24, striped("access", range(12, 24), [1, 2, 3])))
    message = str(caught.value)
    # Independently: each broker now hosts 24 access replicas at the retention.bytes in force.
    broker = before.broker(1)
    access_need = 24 * access.peak_disk_bytes
    others = broker.need_bytes - 12 * access.peak_disk_bytes
    free = broker.disks[0].available_bytes - others
    assert message.startswith(
        f"topic 'access' needs {format_bytes(access_need)} on broker 1, which has {format_bytes(free)} free"
    )
    assert f"{format_bytes(access_need - free)} over" in message
    assert f"retention.bytes stays {format_bytes(access.retention_bytes)} per partition" in message
    assert "from 12 to 24 partitions" in message
    assert "first apply the re-planned retention.bytes" in message


def test_partition_increase_with_room_is_accepted_and_keeps_the_settings_in_force(make_inputs) -> None:
    inputs = make_inputs(capacity="16TiB")
    after, budgets = plan_change(inputs, AddPartitions("access", 24, striped("access", range(12, 24), [1, 2, 3])))
    assert after.topic_named("access").partitions == 24
    peak = plan(inputs).topic("access").peak_disk_bytes
    assert dict(budgets[0].need_by_topic)["access"] == 24 * peak  # not the re-planned, smaller per-partition peak
    assert check_change(inputs, AddPartitions("access", 24, striped("access", range(12, 24), [1, 2, 3]))) is None


def test_growth_only_loads_the_brokers_that_receive_the_new_partitions(make_inputs) -> None:
    inputs = make_inputs(capacity="12TiB", n_brokers=6)
    new = striped("access", range(12, 14), [4, 5, 6])
    _, budgets = plan_change(inputs, AddPartitions("access", 14, new))
    before = {b.broker_id: b.need_bytes for b in plan(inputs).brokers}
    grown = {b.broker_id for b in budgets if b.need_bytes > before[b.broker_id]}
    assert grown == {4, 5, 6}


def test_shrinking_partitions_is_not_a_change_kafka_allows(make_inputs) -> None:
    with pytest.raises(LogpipeError, match="Kafka can only grow it: got 6"):
        check_change(make_inputs(), AddPartitions("access", 6, {}))


def test_new_topic_is_checked_with_its_class_settings(make_inputs) -> None:
    inputs = make_inputs()
    big = Topic("cdn", "access", 12, 3, 40 * 1024**2, 4.0)
    with pytest.raises(
        BudgetExceeded, match=r"^topic 'cdn' needs \S+ TiB on broker 1, which has \S+ GiB free \(80% of 8 TiB"
    ):
        check_change(inputs, AddTopic(big, striped("cdn", range(12), [1, 2, 3])))
    small = replace(big, ingest_bytes_per_s=1024**2)
    assert check_change(inputs, AddTopic(small, striped("cdn", range(12), [1, 2, 3]))) is None


def test_new_topic_must_be_fully_placed(make_inputs) -> None:
    topic = Topic("cdn", "access", 2, 3, 1024.0, 1.0)
    with pytest.raises(LogpipeError, match="placement: cdn-1 has 0 replicas"):
        check_change(make_inputs(), AddTopic(topic, {1: [("cdn", 0)], 2: [("cdn", 0)], 3: [("cdn", 0)]}))


def test_placement_plan_that_overloads_a_broker_is_refused_with_broker_and_bytes_over(make_inputs) -> None:
    inputs = make_inputs(capacity="5TiB", n_brokers=6)
    result = plan(inputs)
    # Move every replica of broker 4 onto broker 1 (striped RF 3 over 6 brokers: they share no partition).
    moved = dict(inputs.placement)
    moved[1] = tuple(sorted(set(moved[1]) | set(moved[4])))
    moved[4] = ()
    assert not set(inputs.placement[1]) & set(inputs.placement[4])
    with pytest.raises(BudgetExceeded) as caught:
        check_change(inputs, PlacementPlan(moved))
    message = str(caught.value)
    disk = result.broker(1).disks[0]
    need = result.broker(1).need_bytes + result.broker(4).need_bytes
    over = need - disk.available_bytes
    assert message == (
        f"placement plan refused: broker 1 would need {format_bytes(need)} for "
        f"{len(moved[1])} replicas and has {format_bytes(disk.available_bytes)} "
        f"(80% of 5 TiB less {format_bytes(disk.reserve_bytes)} reserved for moves): {format_bytes(over)} over"
    )


def test_placement_plan_onto_new_brokers_is_accepted(make_inputs) -> None:
    inputs = make_inputs(capacity="8TiB")
    new_brokers = tuple(Broker(i, (Disk("/data", 8 * TiB),)) for i in (4, 5, 6))
    spread = {b: [] for b in range(1, 7)}
    for topic in inputs.topics:
        for b, replicas in striped(topic.name, range(topic.partitions), list(range(1, 7))).items():
            spread[b].extend(replicas)
    after, budgets = plan_change(inputs, PlacementPlan(spread, new_brokers))
    assert [b.broker_id for b in budgets] == [1, 2, 3, 4, 5, 6]
    assert all(b.fits for b in budgets)
    assert max(b.need_bytes for b in budgets) < plan(inputs).broker(1).need_bytes


def test_plan_naming_an_unknown_broker_is_an_input_error(make_inputs) -> None:
    inputs = make_inputs()
    placement = {**inputs.placement, 7: inputs.placement[3]}
    placement[3] = ()
    with pytest.raises(LogpipeError, match=r"placement: broker 7 is not among the brokers \(\[1, 2, 3\]\)"):
        check_change(inputs, PlacementPlan(placement))


def test_kafka_reassignment_json_becomes_a_placement(make_inputs) -> None:
    inputs = make_inputs(n_brokers=4)
    current = inputs.placement
    holders = sorted(b for b, replicas in current.items() if ("access", 0) in replicas)
    free = next(b for b in sorted(current) if b not in holders)
    document = {
        "version": 1,
        "partitions": [{"topic": "access", "partition": 0, "replicas": [free, *holders[1:]], "log_dirs": ["any"] * 3}],
    }
    after = placement_from_reassignment(current, document)
    assert ("access", 0) in after[free] and ("access", 0) not in after[holders[0]]
    untouched = [(t, p) for t, p in current[holders[0]] if (t, p) != ("access", 0)]
    assert all(r in after[holders[0]] for r in untouched)  # unlisted partitions stay put
    assert check_change(inputs, PlacementPlan(after)) is None


def test_reassignment_json_errors_name_the_entry() -> None:
    with pytest.raises(LogpipeError, match=re.escape("reassignment.partitions[0].replicas is required")):
        placement_from_reassignment({}, {"version": 1, "partitions": [{"topic": "a", "partition": 0}]})
    with pytest.raises(LogpipeError, match="expected"):
        placement_from_reassignment({}, {"partitions": []})


def test_a_state_already_over_budget_is_named_as_such(make_inputs) -> None:
    inputs = make_inputs(capacity="4TiB")
    with pytest.raises(BudgetExceeded, match="already over budget before the change"):
        check_change(inputs, AddPartitions("access", 13, striped("access", range(12, 13), [1, 2, 3])))


def test_a_placement_plan_as_partition_replica_lists_converts(make_inputs) -> None:
    inputs = make_inputs(n_brokers=3)
    triples = [(t, p, [b for b, hosted in inputs.placement.items() if (t, p) in hosted]) for t, p in
               sorted({r for hosted in inputs.placement.values() for r in hosted})]  # fmt: skip
    assert placement_from_partitions(triples) == inputs.placement
    # Moving one replica of access-0 from broker 1 to a new broker 4 is a plan the check can take.
    moved = [(t, p, [4 if (t, p, b) == ("access", 0, 1) else b for b in brokers]) for t, p, brokers in triples]
    after = placement_from_partitions(moved)
    assert ("access", 0) in after[4] and ("access", 0) not in after[1]
    assert check_change(inputs, PlacementPlan(after, (Broker(4, (Disk("/data", 8 * TiB),)),))) is None
