"""The per-broker disk budget and the planner: counting replicas per broker, JBOD worst case, the move reserve,
failing with the class and the shortfall, degrading by priority, and invariants over random inputs."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logpipe.errors import LogpipeError
from logpipe.retention import (
    Broker,
    BudgetExceeded,
    BudgetInputs,
    Disk,
    Settings,
    Topic,
    TopicClass,
    even_placement,
    plan,
)
from logpipe.units import format_bytes

TiB = 1024**4
DAY = 86_400_000


def test_each_hosted_replica_costs_its_peak_and_the_reserve_is_the_largest_partition(make_inputs) -> None:
    inputs = make_inputs()
    result = plan(inputs)
    access, syslog = result.topic("access"), result.topic("syslog")
    for broker in result.brokers:
        hosted = inputs.placement[broker.broker_id]
        n_access = sum(1 for t, _ in hosted if t == "access")
        n_syslog = sum(1 for t, _ in hosted if t == "syslog")
        assert n_access == 12 and n_syslog == 6  # RF 3 on 3 brokers: every broker hosts every partition
        assert dict(broker.need_by_topic) == {
            "access": n_access * access.peak_disk_bytes,
            "syslog": n_syslog * syslog.peak_disk_bytes,
        }
        disk = broker.disks[0]
        assert disk.reserve_bytes == max(access.peak_disk_bytes, syslog.peak_disk_bytes)
        assert disk.usable_bytes == int(8 * TiB * 0.8)
        assert disk.free_bytes == disk.usable_bytes - disk.reserve_bytes - disk.need_bytes
    assert result.fits and not result.degraded


def test_partitions_multiply_the_footprint_only_on_the_brokers_hosting_them(make_inputs) -> None:
    """Six brokers, RF 3: each broker hosts half the replicas, so it needs half as much as with three."""
    three = plan(make_inputs())
    six = plan(make_inputs(n_brokers=6))
    assert six.brokers[0].need_bytes * 2 == three.brokers[0].need_bytes
    assert sum(b.replicas for b in six.brokers) == (12 + 6) * 3


def test_jbod_directories_are_checked_against_the_largest_replicas_they_can_be_dealt(make_inputs) -> None:
    doc_brokers = [
        {"id": 1, "disks": [{"path": "/d1", "capacity": "4TiB"}, {"path": "/d2", "capacity": "4TiB"}]},
        {"id": 2, "disks": [{"path": "/d", "capacity": "8TiB"}]},
        {"id": 3, "disks": [{"path": "/d", "capacity": "8TiB"}]},
    ]
    result = plan(make_inputs(brokers=doc_brokers))
    jbod = result.broker(1)
    access = result.topic("access").peak_disk_bytes
    # 18 replicas over 2 directories: each may be dealt 9, and the worst 9 are all access replicas.
    assert [d.replicas for d in jbod.disks] == [9, 9]
    assert jbod.disks[0].need_bytes == 9 * access
    assert jbod.tightest.path == "/d1"
    assert jbod.need_bytes == result.broker(2).need_bytes  # the pooled total is the same


def test_goals_that_do_not_fit_fail_naming_the_class_and_the_shortfall(make_inputs) -> None:
    inputs = make_inputs(capacity="4TiB")
    with pytest.raises(BudgetExceeded) as caught:
        plan(inputs)
    message = str(caught.value)
    # Recompute the shortfall independently of the message.
    generous = plan(
        replace(inputs, brokers=tuple(replace(b, disks=(Disk("/data", 100 * TiB),)) for b in inputs.brokers))
    )
    disk = generous.broker(1).disks[0]
    short = disk.need_bytes + disk.reserve_bytes - int(4 * TiB * 0.8)
    assert f"class 'access' is short by {format_bytes(short)} on broker 1 (disk /data)" in message
    assert "class 'system' (priority 1, age 30d)" in message
    assert "shorten the age of class 'access'" in message


def test_degrade_shortens_the_least_important_class_only_as_much_as_needed(make_inputs) -> None:
    inputs = make_inputs(capacity="6TiB")
    inputs = replace(inputs, settings=replace(inputs.settings, degrade=True))
    result = plan(inputs)
    assert result.fits
    (degradation,) = result.degraded
    assert degradation.topic_class == "access" and degradation.goal_ms == 7 * DAY
    assert 3 * DAY <= degradation.age_ms < 7 * DAY and degradation.age_ms % 60_000 == 0
    assert result.topic("syslog").retention_ms == 30 * DAY  # priority 1 untouched
    assert result.topic("access").retention_ms == degradation.age_ms
    # Tight: one more minute than the degraded age would not fit.
    longer = replace(
        inputs,
        classes=tuple(
            replace(c, min_age_ms=None, age_ms=degradation.age_ms + 60_000) if c.name == "access" else c
            for c in inputs.classes
        ),
        settings=replace(inputs.settings, degrade=False),
    )
    with pytest.raises(BudgetExceeded):
        plan(longer)


def test_degrade_goes_to_the_next_class_when_the_first_hits_its_floor(make_inputs) -> None:
    inputs = make_inputs(capacity="3TiB")
    classes = tuple(replace(c, min_age_ms=10 * DAY) if c.name == "system" else c for c in inputs.classes)
    result = plan(replace(inputs, classes=classes, settings=replace(inputs.settings, degrade=True)))
    ages = {d.topic_class: d.age_ms for d in result.degraded}
    assert ages["access"] == 3 * DAY  # at its floor
    assert 10 * DAY <= ages["system"] < 30 * DAY
    assert result.fits


def test_degrade_that_cannot_fit_says_what_it_shortened(make_inputs) -> None:
    inputs = make_inputs(capacity="1TiB")
    with pytest.raises(BudgetExceeded, match=r"degrading shortened access to 3d and it still does not fit"):
        plan(replace(inputs, settings=replace(inputs.settings, degrade=True)))


def test_never_degrades_silently(make_inputs) -> None:
    with pytest.raises(BudgetExceeded):
        plan(make_inputs(capacity="6TiB"))  # degrade not asked for


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda i: replace(i, settings=Settings(disk_headroom=1.5)), r"settings\.disk_headroom"),
        (
            lambda i: replace(i, topics=(replace(i.topics[0], topic_class="nope"), i.topics[1])),
            r"topics\[access\]\.class: unknown class 'nope'",
        ),
        (
            lambda i: replace(i, topics=(replace(i.topics[0], partitions=0), i.topics[1])),
            r"topics\[access\]\.partitions must be at least 1",
        ),
        (
            lambda i: replace(i, placement={**i.placement, 1: i.placement[1][1:]}),
            r"placement: access-0 has 2 replicas, topic 'access' has replication_factor 3",
        ),
        (lambda i: replace(i, placement={**i.placement, 9: (("access", 0),)}), r"placement: broker 9 is not"),
        (
            lambda i: replace(i, classes=(replace(i.classes[0], min_age_ms=30 * DAY), i.classes[1])),
            r"classes\[access\]\.min_age must be positive and at most its age",
        ),
    ],
)
def test_bad_inputs_name_the_field(make_inputs, mutate, message: str) -> None:
    with pytest.raises(LogpipeError, match=message):
        plan(mutate(make_inputs()))


@st.composite
def random_inputs(draw: st.DrawFn) -> BudgetInputs:
    n_brokers = draw(st.integers(1, 6))
    brokers = tuple(
        Broker(i, tuple(Disk(f"/d{k}", draw(st.integers(50, 4000)) * 1024**3) for k in range(draw(st.integers(1, 3)))))
        for i in range(1, n_brokers + 1)
    )
    classes = (
        TopicClass("gold", draw(st.integers(1, 30)) * DAY, 1),
        TopicClass("bronze", draw(st.integers(2, 14)) * DAY, 2, min_age_ms=DAY),
    )
    topics = tuple(
        Topic(
            f"t{i}",
            draw(st.sampled_from(["gold", "bronze"])),
            draw(st.integers(1, 24)),
            draw(st.integers(1, n_brokers)),
            draw(st.floats(0, 5e6)),
            draw(st.floats(1, 8)),
        )
        for i in range(draw(st.integers(1, 5)))
    )
    settings_ = Settings(degrade=draw(st.booleans()))
    return BudgetInputs(brokers, classes, topics, even_placement(brokers, topics), settings_)


@settings(max_examples=60, deadline=None)
@given(random_inputs())
def test_a_plan_either_fits_every_disk_or_refuses_with_numbers(inputs: BudgetInputs) -> None:
    try:
        result = plan(inputs)
    except BudgetExceeded as exc:
        assert re.search(r"short by \S+ \w?i?B on broker \d+", str(exc))
        return
    for broker in result.brokers:
        for disk in broker.disks:
            assert disk.need_bytes + disk.reserve_bytes <= disk.capacity_bytes * inputs.settings.disk_headroom
            # The worst case counts ceil(replicas / directories) replicas.
            assert disk.replicas == math.ceil(broker.replicas / len(broker.disks))
    for entry in result.topics:
        topic_class = inputs.class_named(entry.topic_class)
        assert topic_class.floor_ms <= entry.retention_ms <= topic_class.age_ms
    assert plan(inputs) == result  # deterministic
