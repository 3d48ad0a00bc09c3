"""What the fault scenarios ask the live Kafka cluster: who leads a partition, which partitions a stream is
landing in, whether the cluster is whole again (every broker back, no under-replicated partition)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from logpipe.console import progress
from logpipe.errors import LogpipeError
from logpipe.kafka.admin import connect, read_snapshot
from logpipe.kafka.health import assess
from logpipe.lab.shell import wait_until

HEALTHY_TIMEOUT_S = 300  # a broker killed mid-write replays its log and catches up before it rejoins the ISR

T = TypeVar("T")
KAFKA_RETRY_S = 120  # a restarted broker refuses connections until it has replayed its log

TopicPartitionOffsets = dict[tuple[str, int], int]


def retrying(call: Callable[[], T], what: str, timeout: float = KAFKA_RETRY_S) -> T:
    """`call()`, retried while a broker refuses or drops connections (kafka-python raises on the first broker it
    cannot reach, even when others answer); LogpipeError naming `what` and the last error after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except LogpipeError:
            raise
        except Exception as exc:  # kafka-python's connection errors have no common base worth naming
            if time.monotonic() > deadline:
                raise LogpipeError(f"{what} failed for {timeout:.0f}s: {type(exc).__name__}: {exc}") from exc
            time.sleep(2)


def end_offsets(bootstrap: str, topics: Iterable[str]) -> TopicPartitionOffsets:
    """(topic, partition) -> end offset, for every partition of `topics`."""
    topics = sorted(set(topics))
    return retrying(lambda: _end_offsets(bootstrap, topics), f"reading the end offsets of {topics}")


def _end_offsets(bootstrap: str, topics: list[str]) -> TopicPartitionOffsets:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    try:
        parts = [TopicPartition(t, p) for t in sorted(set(topics)) for p in sorted(consumer.partitions_for_topic(t)
                                                                                    or ())]
        if not parts:
            raise LogpipeError(f"none of the topics {sorted(set(topics))} exist at {bootstrap}")
        return {(tp.topic, tp.partition): offset for tp, offset in consumer.end_offsets(parts).items()}
    finally:
        consumer.close()


def grown_partitions(before: Mapping[tuple[str, int], int], after: Mapping[tuple[str, int], int]) -> list[
        tuple[str, int]]:
    """Partitions whose end offset moved between two readings, most grown first."""
    grown = [(after[tp] - before.get(tp, 0), tp) for tp in after if after[tp] > before.get(tp, 0)]
    return [tp for _, tp in sorted(grown, key=lambda item: (-item[0], item[1]))]


def broker_hosts(snapshot, ips: Mapping[str, str]) -> dict[int, str]:
    """broker id -> lab host name (brokers advertise an IP or a host name)."""
    by_ip = {ip: host for host, ip in ips.items()}
    return {b.broker_id: by_ip.get(b.host, b.host) for b in snapshot.brokers}


def leader_host(bootstrap: str, ips: Mapping[str, str], topic: str, partition: int, timeout: float = 60) -> str:
    """The lab host leading `topic`-`partition`, waiting up to `timeout` while it has none (mid-election)."""
    found: list[str] = []

    def led() -> bool:
        try:
            found.append(_leader_host(bootstrap, ips, topic, partition))
        except Exception:  # no leader yet, or a broker still refusing connections: ask again
            return False
        return True

    wait_until(led, what=f"a leader of {topic}-{partition}", timeout=timeout, interval=2)
    return found[-1]


def _leader_host(bootstrap: str, ips: Mapping[str, str], topic: str, partition: int) -> str:
    client = connect(bootstrap)
    try:
        snapshot = read_snapshot(client, with_quorum=False)
    finally:
        client.close()
    found = [p for p in snapshot.partitions if (p.topic, p.partition) == (topic, partition)]
    if not found or found[0].offline:
        raise LogpipeError(f"{topic}-{partition} has no leader right now")
    return broker_hosts(snapshot, ips)[found[0].leader]


def cluster_problems(bootstrap: str, brokers: int) -> tuple[str, ...]:
    try:
        client = connect(bootstrap, timeout_s=10)
    except LogpipeError as exc:
        return (str(exc),)
    try:
        snapshot = read_snapshot(client, with_quorum=False)
    except Exception as exc:  # kafka-python raises many types while brokers come back
        return (f"{type(exc).__name__}: {exc}",)
    finally:
        client.close()
    live = {b.broker_id for b in snapshot.brokers if not b.fenced}
    problems = list(assess(snapshot).problems)
    if len(live) < brokers:
        problems.append(f"{len(live)} of {brokers} brokers live")
    return tuple(problems)


def wait_cluster_whole(bootstrap: str, brokers: int, timeout: float = HEALTHY_TIMEOUT_S) -> None:
    """Until every broker is live and no partition is under-replicated or offline."""
    last: list[tuple[str, ...]] = [()]

    def whole() -> bool:
        last[0] = cluster_problems(bootstrap, brokers)
        return not last[0]

    try:
        wait_until(whole, what="Kafka to be whole again", timeout=timeout, interval=2)
    except LogpipeError as exc:
        raise LogpipeError(f"{exc}; still: {'; '.join(last[0])}") from exc
    progress("Kafka whole: every broker live, no under-replicated partition")
