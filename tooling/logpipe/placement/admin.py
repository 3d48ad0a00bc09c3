"""Reading a live cluster into the placement model through the Kafka admin API (kafka-python).

Brokers and racks come from DescribeCluster, replicas and leaders from Metadata, replica sizes and disk capacity
from DescribeLogDirs (total_bytes / usable_bytes, Kafka >= 3.3). Bytes-in per partition is not in the admin API:
it is sampled as the growth of the leader's log over `rate_sample_seconds` (0 = not sampled, leader bytes-in
balance then follows partition counts). Kafka 4.x has no ZooKeeper: every change goes through the admin API.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from logpipe.errors import LogpipeError
from logpipe.placement.model import Broker, Cluster, Partition

# How placement's admin client (logpipe.kafka.admin.connect) names itself to the brokers.
CLIENT_ID = "logpipe-placement"


@dataclass(frozen=True)
class LogDirUsage:
    sizes: dict[tuple[str, int, int], int]  # (topic, partition, broker) -> bytes on that broker
    capacity: dict[int, int]  # broker -> total bytes of its log dirs
    reserved: dict[int, int]  # broker -> bytes used on its log dirs by anything but replicas


def parse_log_dirs(responses: list[Mapping[str, Any]]) -> LogDirUsage:
    """DescribeLogDirs responses (kafka-python `describe_log_dirs()`) into sizes, capacity and reserved bytes."""
    sizes: dict[tuple[str, int, int], int] = {}
    capacity: dict[int, int] = {}
    reserved: dict[int, int] = {}
    for resp in responses:
        broker = int(resp["broker"])
        total = 0
        used_by_replicas = 0
        used_total = 0
        for d in resp.get("log_dirs", []):
            if d.get("error_code", 0):
                continue
            for t in d.get("topics", []):
                for p in t.get("partitions", []):
                    if p.get("is_future_key"):
                        continue
                    key = (t["name"], int(p["partition_index"]), broker)
                    size = int(p.get("partition_size", 0))
                    sizes[key] = sizes.get(key, 0) + size
                    used_by_replicas += size
            tb, ub = int(d.get("total_bytes", -1)), int(d.get("usable_bytes", -1))
            if tb > 0 and ub >= 0:
                total += tb
                used_total += tb - ub
        if total > 0:
            capacity[broker] = total
            reserved[broker] = max(0, used_total - used_by_replicas)
    return LogDirUsage(sizes=sizes, capacity=capacity, reserved=reserved)


def cluster_from_admin(cluster_info: Mapping[str, Any], topics: list[Mapping[str, Any]], usage: LogDirUsage, *,
                       rates: Mapping[tuple[str, int], float] | None = None, capacity_bytes: int = 0,
                       include_internal: bool = False) -> Cluster:
    """Pure assembly of the model from admin API answers (so it is unit-tested without a cluster)."""
    brokers = []
    for b in sorted(cluster_info["brokers"], key=lambda b: b["broker_id"]):
        bid = int(b["broker_id"])
        brokers.append(Broker(id=bid, rack=b.get("rack") or None,
                              capacity_bytes=usage.capacity.get(bid, capacity_bytes),
                              reserved_bytes=usage.reserved.get(bid, 0) if bid in usage.capacity else 0))
    parts = []
    for t in topics:
        if t.get("error_code", 0):
            raise LogpipeError(f"topic {t.get('name')!r}: metadata error code {t['error_code']}; retry when the "
                               "cluster is healthy")
        if t.get("is_internal") and not include_internal:
            continue
        for p in t["partitions"]:
            reps = tuple(int(r) for r in p["replica_nodes"])
            idx = int(p["partition_index"])
            size = max((usage.sizes.get((t["name"], idx, r), 0) for r in reps), default=0)
            leader = int(p["leader_id"]) if p.get("leader_id", -1) >= 0 else None
            parts.append(Partition(topic=t["name"], partition=idx, replicas=reps, size_bytes=size,
                                   bytes_in_per_sec=float((rates or {}).get((t["name"], idx), 0.0)), leader=leader))
    return Cluster(brokers=tuple(brokers), partitions=tuple(sorted(parts, key=lambda p: p.key)))


def read_cluster(admin, *, rate_sample_seconds: float = 0.0, capacity_bytes: int = 0,
                 include_internal: bool = False) -> Cluster:
    """The live cluster as a model. With `rate_sample_seconds` > 0, reads log dirs twice to sample bytes-in."""
    info = admin.describe_cluster()
    topics = admin.describe_topics()
    usage = parse_log_dirs(admin.describe_log_dirs())
    rates = None
    if rate_sample_seconds > 0:
        time.sleep(rate_sample_seconds)
        later = parse_log_dirs(admin.describe_log_dirs())
        rates = sample_rates(topics, usage, later, rate_sample_seconds)
    return cluster_from_admin(info, topics, usage, rates=rates, capacity_bytes=capacity_bytes,
                              include_internal=include_internal)


def sample_rates(topics: list[Mapping[str, Any]], first: LogDirUsage, second: LogDirUsage,
                 seconds: float) -> dict[tuple[str, int], float]:
    """Bytes-in per partition: growth of the leader's replica between two log-dir reads (retention can shrink a
    log; that counts as 0)."""
    rates = {}
    for t in topics:
        for p in t["partitions"]:
            leader = p.get("leader_id", -1)
            key = (t["name"], int(p["partition_index"]), int(leader))
            grown = second.sizes.get(key, 0) - first.sizes.get(key, 0)
            rates[(t["name"], int(p["partition_index"]))] = max(0.0, grown / seconds)
    return rates
