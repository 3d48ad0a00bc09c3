"""Verifying a live cluster: every measure recomputed from what Kafka reports now, against the goals (and against
a plan's "after" when one is given)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from logpipe.placement.measures import Measures, measure
from logpipe.placement.model import Cluster
from logpipe.placement.targets import forced_spread


@dataclass(frozen=True)
class Verdict:
    measures: Measures  # with actual leaders
    problems: tuple[str, ...]
    not_preferred: int  # partitions whose actual leader is not replicas[0]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(live: Cluster, *, planned: Cluster | None = None, ongoing: int = 0,
           throttles: Sequence[str] = ()) -> Verdict:
    leaders = {p.key: p.leader for p in live.partitions if p.leader is not None}
    m = measure(live, leaders=leaders)
    problems = []
    forced = forced_spread(live)
    if m.replica_spread > max(1, forced):
        problems.append(f"replica spread {m.replica_spread} > {max(1, forced)}")
    if m.leader_spread > 1:
        problems.append(f"leader spread {m.leader_spread} > 1 (actual leaders)")
    if m.rack_violations:
        problems.append(f"{m.rack_violations} partition(s) not spread over racks")
    not_preferred = sum(1 for p in live.partitions if p.leader is not None and p.replicas
                        and p.leader != p.replicas[0])
    if not_preferred:
        problems.append(f"{not_preferred} partition(s) led by a replica other than the preferred one")
    if ongoing:
        problems.append(f"{ongoing} reassignment(s) still in progress")
    if throttles:
        problems.append(f"replication throttles still set: {', '.join(throttles[:6])}")
    if planned is not None:
        problems += _drift(live, planned)
    return Verdict(m, tuple(problems), not_preferred)


def _drift(live: Cluster, planned: Cluster) -> list[str]:
    now: Mapping = {p.key: p for p in live.partitions}
    off = [f"{p.topic}-{p.partition}" for p in planned.partitions
           if p.key not in now or now[p.key].replicas != p.replicas]
    if not off:
        return []
    return [f"{len(off)} partition(s) differ from the plan: {', '.join(off[:5])}"]
