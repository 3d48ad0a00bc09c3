"""Per-broker replica-count targets that respect racks, and the movement lower bound they imply.

With racks, a partition of replication factor r over K racks may put at most ceil(r/K) and at least floor(r/K)
replicas in each rack, which bounds how many replicas a rack can hold. When racks differ in size, an equal count on
every broker can be impossible (RF 3 over racks of 10, 10 and 9 brokers puts one copy of every partition in the
9-broker rack). The targets are the most even counts the racks allow: a water level L is found so that each rack
holds clamp(n_k * L, lo_k, hi_k) replicas, then rack totals and broker counts are rounded, giving the extra
replica of a rounding remainder to whoever already holds the most (that is what keeps movement minimal).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from logpipe.placement.model import Cluster


@dataclass(frozen=True)
class Targets:
    counts: dict[int, int]  # broker id -> replica count the plan aims for
    rack_totals: dict[str, int]
    forced_spread: int  # the smallest max-min replica count spread the racks allow
    lower_bound_count: int  # replicas that must leave their broker to reach these counts


def replica_targets(brokers: Sequence[int], rack_of: Mapping[int, str], rfs: Sequence[int],
                    current: Mapping[int, int], n_racks: int) -> Targets:
    """Targets for `brokers` (the brokers that stay), given every partition's replication factor `rfs` and the
    current replica counts `current` (which may include brokers that are leaving)."""
    total = sum(rfs)
    racks: dict[str, list[int]] = {}
    for b in sorted(brokers):
        racks.setdefault(rack_of[b], []).append(b)
    lo = {k: sum(r // n_racks for r in rfs) for k in racks}
    hi = {k: sum(min(-(-r // n_racks), len(members)) for r in rfs) for k, members in racks.items()}
    if sum(hi.values()) < total:
        hi = dict.fromkeys(racks, total)  # cannot satisfy rack spread at all: the planner reports violations
    if sum(lo.values()) > total:
        lo = dict.fromkeys(racks, 0)
    level = _water_level(racks, lo, hi, total)
    ideal = {k: min(max(len(m) * level, lo[k]), hi[k]) for k, m in racks.items()}
    rack_totals = {k: int(v) for k, v in ideal.items()}
    remainder = total - sum(rack_totals.values())
    cur_rack = {k: sum(current.get(b, 0) for b in m) for k, m in racks.items()}
    order = sorted(racks, key=lambda k: (-(ideal[k] - rack_totals[k]), -cur_rack[k], k))
    for k in order:
        if remainder <= 0:
            break
        if rack_totals[k] < hi[k]:
            rack_totals[k] += 1
            remainder -= 1
    counts: dict[int, int] = {}
    for k, members in racks.items():
        q, rem = divmod(rack_totals[k], len(members))
        by_load = sorted(members, key=lambda b: (-current.get(b, 0), b))
        for i, b in enumerate(by_load):
            counts[b] = q + (1 if i < rem else 0)
    forced = max(counts.values()) - min(counts.values()) if counts else 0
    leaving = sum(c for b, c in current.items() if b not in counts)
    bound = leaving + sum(max(0, current.get(b, 0) - t) for b, t in counts.items())
    return Targets(counts=counts, rack_totals=rack_totals, forced_spread=forced, lower_bound_count=bound)


def _water_level(racks: Mapping[str, list[int]], lo: Mapping[str, int], hi: Mapping[str, int], total: int) -> float:
    """The per-broker level L with sum_k clamp(n_k * L, lo_k, hi_k) == total (bisection; the sum is monotone)."""
    def filled(level: float) -> float:
        return sum(min(max(len(m) * level, lo[k]), hi[k]) for k, m in racks.items())

    low, high = 0.0, float(max(total, 1))
    for _ in range(200):
        mid = (low + high) / 2
        if filled(mid) < total:
            low = mid
        else:
            high = mid
    return high


def forced_spread(cluster: Cluster) -> int:
    """The smallest replica-count spread the racks of `cluster` allow for its partitions."""
    rack_of = {b.id: cluster.rack_of(b.id) for b in cluster.brokers}
    current = dict.fromkeys(rack_of, 0)
    for p in cluster.partitions:
        for b in p.replicas:
            current[b] += 1
    return replica_targets(sorted(rack_of), rack_of, [p.rf for p in cluster.partitions], current,
                           len(set(rack_of.values()))).forced_spread
