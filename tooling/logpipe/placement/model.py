"""The placement model: brokers and partitions as plain, validated dataclasses, read from and written to JSON.

A cluster is what the planner sees: every broker (id, rack, disk capacity) and every partition (topic, index,
replica list whose first entry is the preferred leader, size of one replica on disk, bytes-in rate at the leader).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logpipe.checks import read_json, whole_number
from logpipe.errors import LogpipeError


@dataclass(frozen=True)
class Broker:
    id: int
    rack: str | None = None
    capacity_bytes: int = 0  # 0 = unknown: disk limits are not checked for this broker
    reserved_bytes: int = 0  # disk on the log dirs used by anything but this cluster's replicas

    def __post_init__(self) -> None:
        if not isinstance(self.id, int) or isinstance(self.id, bool) or self.id < 0:
            raise LogpipeError(f"broker id {self.id!r} must be a non-negative integer")
        if self.rack is not None and (not isinstance(self.rack, str) or not self.rack):
            raise LogpipeError(f"broker {self.id}: rack {self.rack!r} must be a non-empty string or null")
        if not isinstance(self.capacity_bytes, int) or self.capacity_bytes < 0:
            raise LogpipeError(f"broker {self.id}: capacity_bytes {self.capacity_bytes!r} must be an integer >= 0")
        if not isinstance(self.reserved_bytes, int) or self.reserved_bytes < 0:
            raise LogpipeError(f"broker {self.id}: reserved_bytes {self.reserved_bytes!r} must be an integer >= 0")


@dataclass(frozen=True)
class Partition:
    topic: str
    partition: int
    replicas: tuple[int, ...]  # replicas[0] is the preferred leader; empty = not placed yet (a new topic)
    size_bytes: int = 0
    bytes_in_per_sec: float = 0.0
    replication_factor: int = 0  # only needed when replicas is empty; otherwise len(replicas)
    leader: int | None = None  # the current leader on a live cluster, if known

    def __post_init__(self) -> None:
        name = f"partition {self.topic}-{self.partition}"
        if not isinstance(self.topic, str) or not self.topic:
            raise LogpipeError(f"partition topic {self.topic!r} must be a non-empty string")
        if not isinstance(self.partition, int) or self.partition < 0:
            raise LogpipeError(f"{name}: partition index must be an integer >= 0")
        if len(set(self.replicas)) != len(self.replicas):
            raise LogpipeError(f"{name}: replicas {list(self.replicas)} name a broker twice")
        if not self.replicas and self.replication_factor < 1:
            raise LogpipeError(f"{name}: has no replicas; give replication_factor >= 1 to place it")
        if self.replicas and self.replication_factor not in (0, len(self.replicas)):
            raise LogpipeError(f"{name}: replication_factor {self.replication_factor} differs from "
                               f"{len(self.replicas)} replicas")
        if self.size_bytes < 0 or self.bytes_in_per_sec < 0:
            raise LogpipeError(f"{name}: size_bytes and bytes_in_per_sec must be >= 0")

    @property
    def rf(self) -> int:
        return len(self.replicas) or self.replication_factor

    @property
    def key(self) -> tuple[str, int]:
        return (self.topic, self.partition)


@dataclass(frozen=True)
class Cluster:
    brokers: tuple[Broker, ...]
    partitions: tuple[Partition, ...]
    racks_enabled: bool = field(init=False)

    def __post_init__(self) -> None:
        ids = [b.id for b in self.brokers]
        dup = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
        if dup:
            raise LogpipeError(f"brokers: id(s) {dup} listed twice")
        keys: set[tuple[str, int]] = set()
        for p in self.partitions:
            if p.key in keys:
                raise LogpipeError(f"partitions: {p.topic}-{p.partition} listed twice")
            keys.add(p.key)
        with_rack = [b.id for b in self.brokers if b.rack is not None]
        without = [b.id for b in self.brokers if b.rack is None]
        if with_rack and without:
            raise LogpipeError(f"brokers {without} have no rack while {with_rack} do: set broker.rack on every "
                               "broker (or on none) so rack-aware placement can be checked")
        object.__setattr__(self, "racks_enabled", bool(with_rack))

    def broker(self, broker_id: int) -> Broker:
        for b in self.brokers:
            if b.id == broker_id:
                return b
        raise LogpipeError(f"broker {broker_id} is not in the cluster (known: {sorted(self.broker_ids)})")

    @property
    def broker_ids(self) -> tuple[int, ...]:
        return tuple(b.id for b in self.brokers)

    def rack_of(self, broker_id: int) -> str:
        """The rack used for constraints: the broker's rack, or the broker itself when racks are not set."""
        rack = self.broker(broker_id).rack
        return rack if rack is not None else f"broker-{broker_id}"


def cluster_from_dict(data: Mapping[str, Any], source: str = "cluster") -> Cluster:
    """Build a cluster from the JSON shape documented in docs/placement.md, naming the bad field on error."""
    if not isinstance(data, Mapping):
        raise LogpipeError(f"{source}: expected a JSON object with 'brokers' and 'partitions'")
    brokers_raw = data.get("brokers")
    parts_raw = data.get("partitions")
    if not isinstance(brokers_raw, list) or not brokers_raw:
        raise LogpipeError(f"{source}: 'brokers' must be a non-empty list")
    if not isinstance(parts_raw, list):
        raise LogpipeError(f"{source}: 'partitions' must be a list")
    brokers = []
    for i, b in enumerate(brokers_raw):
        where = f"{source}: brokers[{i}]"
        if not isinstance(b, Mapping) or "id" not in b:
            raise LogpipeError(f"{where}: expected an object with at least 'id'")
        unknown = set(b) - {"id", "rack", "capacity_bytes", "reserved_bytes"}
        if unknown:
            raise LogpipeError(f"{where}: unknown field(s) {sorted(unknown)}")
        brokers.append(Broker(id=whole_number(b["id"], f"{where}.id"), rack=b.get("rack"),
                              capacity_bytes=whole_number(b.get("capacity_bytes", 0), f"{where}.capacity_bytes"),
                              reserved_bytes=whole_number(b.get("reserved_bytes", 0), f"{where}.reserved_bytes")))
    partitions = []
    allowed = {"topic", "partition", "replicas", "size_bytes", "bytes_in_per_sec", "replication_factor", "leader"}
    for i, p in enumerate(parts_raw):
        where = f"{source}: partitions[{i}]"
        if not isinstance(p, Mapping):
            raise LogpipeError(f"{where}: expected an object")
        unknown = set(p) - allowed
        if unknown:
            raise LogpipeError(f"{where}: unknown field(s) {sorted(unknown)}")
        for req in ("topic", "partition"):
            if req not in p:
                raise LogpipeError(f"{where}: missing '{req}'")
        replicas = p.get("replicas", [])
        if not isinstance(replicas, list):
            raise LogpipeError(f"{where}.replicas: expected a list of broker ids")
        leader = p.get("leader")
        partitions.append(Partition(
            topic=p["topic"], partition=whole_number(p["partition"], f"{where}.partition"),
            replicas=tuple(whole_number(r, f"{where}.replicas") for r in replicas),
            size_bytes=whole_number(p.get("size_bytes", 0), f"{where}.size_bytes"),
            bytes_in_per_sec=float(p.get("bytes_in_per_sec", 0.0)),
            replication_factor=whole_number(p.get("replication_factor", 0), f"{where}.replication_factor"),
            leader=None if leader is None else whole_number(leader, f"{where}.leader"),
        ))
    cluster = Cluster(brokers=tuple(brokers), partitions=tuple(partitions))
    known = set(cluster.broker_ids)
    for p in cluster.partitions:
        stray = [r for r in p.replicas if r not in known]
        if stray:
            raise LogpipeError(f"{source}: partition {p.topic}-{p.partition} has replicas on unknown broker(s) "
                               f"{stray}; add them to 'brokers'")
    return cluster


def cluster_to_dict(cluster: Cluster) -> dict[str, Any]:
    brokers = [{"id": b.id, "rack": b.rack, "capacity_bytes": b.capacity_bytes, "reserved_bytes": b.reserved_bytes}
               for b in sorted(cluster.brokers, key=lambda b: b.id)]
    parts = []
    for p in sorted(cluster.partitions, key=lambda p: p.key):
        row: dict[str, Any] = {"topic": p.topic, "partition": p.partition, "replicas": list(p.replicas),
                               "size_bytes": p.size_bytes, "bytes_in_per_sec": p.bytes_in_per_sec}
        if not p.replicas:
            row["replication_factor"] = p.replication_factor
        if p.leader is not None:
            row["leader"] = p.leader
        parts.append(row)
    return {"brokers": brokers, "partitions": parts}


def load_cluster(path: str | Path) -> Cluster:
    return cluster_from_dict(read_json(path, "cluster"), source=str(path))
