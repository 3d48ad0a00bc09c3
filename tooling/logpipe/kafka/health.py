"""Is the cluster healthy enough to restart the next broker? Pure assessment of one metadata snapshot.

A rolling restart waits, after each broker, until `assess` says healthy: every expected broker registered and
unfenced, no partition without a leader, no under-replicated partition, and every controller voter caught up
with the metadata log. The snapshot comes from the admin client (`logpipe.kafka.admin.read_snapshot`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# How far (in metadata records) a voter may trail the high watermark and still count as caught up. The active
# controller appends a no-op record every 500 ms (metadata.max.idle.interval.ms), so a voter that stopped
# fetching falls behind by this much within seconds.
DEFAULT_MAX_VOTER_LAG = 10
# How many problem partitions a report names before it summarises the rest.
MAX_NAMED = 5


@dataclass(frozen=True)
class Broker:
    broker_id: int
    host: str
    port: int
    rack: str | None = None
    fenced: bool = False


@dataclass(frozen=True)
class Partition:
    topic: str
    partition: int
    leader: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]

    @property
    def offline(self) -> bool:
        return self.leader < 0

    @property
    def under_replicated(self) -> bool:
        return len(self.isr) < len(self.replicas)

    @property
    def label(self) -> str:
        return f"{self.topic}-{self.partition}"


@dataclass(frozen=True)
class Voter:
    node_id: int
    log_end_offset: int


@dataclass(frozen=True)
class Quorum:
    leader_id: int
    high_watermark: int
    voters: tuple[Voter, ...]


@dataclass(frozen=True)
class Snapshot:
    brokers: tuple[Broker, ...]
    partitions: tuple[Partition, ...]
    quorum: Quorum | None = None


@dataclass(frozen=True)
class HealthReport:
    healthy: bool
    problems: tuple[str, ...]
    live_brokers: tuple[int, ...]
    under_replicated: int
    offline: int
    partitions: int
    quorum_leader: int | None = None
    voter_lag: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "problems": list(self.problems),
            "live_brokers": list(self.live_brokers),
            "under_replicated_partitions": self.under_replicated,
            "offline_partitions": self.offline,
            "partitions": self.partitions,
            "quorum_leader": self.quorum_leader,
            "voter_lag": {str(k): v for k, v in sorted(self.voter_lag.items())},
        }


def _named(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_NAMED])
    return shown + (f" and {len(items) - MAX_NAMED} more" if len(items) > MAX_NAMED else "")


def assess(snapshot: Snapshot, expected_brokers: Collection[int] = (), expected_voters: Collection[int] = (),
           max_voter_lag: int = DEFAULT_MAX_VOTER_LAG) -> HealthReport:
    """Healthy when every expected broker is registered and unfenced, no partition is offline or
    under-replicated, and each expected voter is within `max_voter_lag` records of the high watermark."""
    problems: list[str] = []
    live = tuple(sorted(b.broker_id for b in snapshot.brokers if not b.fenced))
    fenced = sorted(b.broker_id for b in snapshot.brokers if b.fenced)
    missing = sorted(set(expected_brokers) - {b.broker_id for b in snapshot.brokers})
    if missing:
        problems.append(f"broker(s) {missing} not registered in the cluster metadata")
    waiting = sorted(set(expected_brokers) & set(fenced))
    if waiting:
        problems.append(f"broker(s) {waiting} registered but fenced (still catching up with the metadata log)")
    offline = [p.label for p in snapshot.partitions if p.offline]
    if offline:
        problems.append(f"{len(offline)} partition(s) without a leader: {_named(offline)}")
    urp = [p for p in snapshot.partitions if p.under_replicated]
    if urp:
        labels = [f"{p.label} (isr {list(p.isr)} of {list(p.replicas)})" for p in urp]
        problems.append(f"{len(urp)} under-replicated partition(s): {_named(labels)}")
    lag: dict[int, int] = {}
    leader = None
    if expected_voters:
        if snapshot.quorum is None or snapshot.quorum.leader_id < 0:
            problems.append("the controller quorum has no leader")
        else:
            leader = snapshot.quorum.leader_id
            offsets = {v.node_id: v.log_end_offset for v in snapshot.quorum.voters}
            absent = sorted(set(expected_voters) - set(offsets))
            if absent:
                problems.append(f"controller(s) {absent} are not voters of the metadata quorum")
            lag = {node: max(0, snapshot.quorum.high_watermark - offset) for node, offset in offsets.items()}
            behind = sorted(n for n in expected_voters if n in lag and lag[n] > max_voter_lag)
            if behind:
                problems.append("controller(s) behind the metadata log: "
                                + ", ".join(f"{n} by {lag[n]} records" for n in behind))
    return HealthReport(healthy=not problems, problems=tuple(problems), live_brokers=live,
                        under_replicated=len(urp), offline=len(offline), partitions=len(snapshot.partitions),
                        quorum_leader=leader, voter_lag=lag)


def partition_racks(snapshot: Snapshot, topic: str) -> dict[int, tuple[str | None, ...]]:
    """The rack of each replica, per partition of `topic` (for checking rack-aware placement)."""
    rack_of = {b.broker_id: b.rack for b in snapshot.brokers}
    return {p.partition: tuple(rack_of.get(r) for r in p.replicas)
            for p in sorted(snapshot.partitions, key=lambda p: p.partition) if p.topic == topic}


def _field(entry: Mapping[str, Any], *names: str, default: Any = None) -> Any:
    for name in names:
        if name in entry:
            return entry[name]
    return default


def snapshot_from_responses(cluster: Mapping[str, Any], topics: Iterable[Mapping[str, Any]],
                            quorum: Mapping[str, Any] | None = None) -> Snapshot:
    """Build a Snapshot from the admin client's describe_cluster, describe_topics and
    describe_metadata_quorum results (plain dicts, as kafka-python returns them)."""
    brokers = tuple(sorted(
        (Broker(broker_id=int(_field(b, "broker_id", "node_id")), host=str(b.get("host", "")),
                port=int(b.get("port", 0)), rack=b.get("rack"), fenced=bool(b.get("is_fenced", False)))
         for b in cluster.get("brokers", [])),
        key=lambda b: b.broker_id))
    partitions = []
    for topic in topics:
        for p in topic.get("partitions") or []:
            partitions.append(Partition(
                topic=str(topic["name"]), partition=int(p["partition_index"]), leader=int(p["leader_id"]),
                replicas=tuple(p.get("replica_nodes") or ()), isr=tuple(p.get("isr_nodes") or ())))
    parsed_quorum = None
    if quorum:
        for topic in quorum.get("topics", []):
            for p in topic.get("partitions", []):
                voters = tuple(Voter(int(v["replica_id"]), int(v["log_end_offset"]))
                               for v in p.get("current_voters", []))
                parsed_quorum = Quorum(leader_id=int(p.get("leader_id", -1)),
                                       high_watermark=int(p.get("high_watermark", -1)), voters=voters)
    return Snapshot(brokers=brokers, partitions=tuple(sorted(partitions, key=lambda p: (p.topic, p.partition))),
                    quorum=parsed_quorum)
