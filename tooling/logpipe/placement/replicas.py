"""Replica placement with the fewest moves: decide which replicas must or should leave their broker, then where
each one goes.

Hard constraints, always kept: replication factor, no broker twice in a partition, the rack spread of every
partition (at most ceil(r/K) and at least floor(r/K) replicas per rack; one per rack when r <= K), and disk: a
broker's current use plus every replica it receives (all moves in flight at once, the worst case) stays within
`disk_limit` of its capacity.

Steps (each O(replicas log brokers) or better, so a million replicas plan in seconds):
1. Mandatory: replicas on leaving brokers, unplaced replicas of new partitions, and rack-spread violations.
2. Voluntary: each broker above its count target gives up exactly its excess, picking replicas of the topics it
   holds most of (so topics stay spread and leaders can be balanced per topic) and sizes that bring its disk
   towards the mean.
3. Assignment: largest replica first, to the eligible broker still below target that needs the most bytes per
   remaining slot (per-rack heaps). A replica that fits nowhere returns to its broker, or goes wherever the rack
   spread allows when another replica of its partition has since taken that broker or its rack's room; a repair
   pass fills what is left.
4. Disk: while disk use max/mean is above the tolerance, swap a large replica on the fullest broker with a small
   one on a light broker, preferring swaps that only change the destination of replicas already moving.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field

from logpipe.errors import LogpipeError

EMPTY = -1  # a replica slot with no broker yet


@dataclass
class State:
    """Mutable working state of one planning run (index-based for speed; never leaves this package)."""

    brokers: list[int]  # target brokers (sorted)
    rack_of: dict[int, str]
    group_of: dict[int, str]  # heap group: the rack, or one group when racks are off
    n_racks: int
    topics: list[str]
    topic_of: list[int]
    size: list[int]
    orig: list[tuple[int, ...]]
    reps: list[list[int]]
    capacity: dict[int, int]
    used_now: dict[int, int]
    disk_limit: float
    targets: dict[int, int]
    count: dict[int, int] = field(default_factory=dict)
    disk: dict[int, int] = field(default_factory=dict)
    incoming: dict[int, int] = field(default_factory=dict)
    tcount: dict[int, dict[int, int]] = field(default_factory=dict)
    on: dict[int, dict[int, None]] = field(default_factory=dict)  # broker -> partitions (ordered set)
    notes: list[str] = field(default_factory=list)
    total_bytes: int = 0
    weight: dict[int, float] = field(default_factory=dict)
    weight_sum: float = 0.0
    racks: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.racks = frozenset(self.rack_of[b] for b in self.brokers)
        self.total_bytes = sum(s * len(r) for s, r in zip(self.size, self.reps, strict=True))
        known = all(self.capacity.get(b, 0) > 0 for b in self.brokers)
        self.weight = {b: self.targets[b] * (self.capacity[b] if known else 1) for b in self.brokers}
        self.weight_sum = float(sum(self.weight.values()))
        for b in self.brokers:
            self.count[b] = 0
            self.disk[b] = 0
            self.incoming[b] = 0
            self.tcount[b] = {}
            self.on[b] = {}
        for p, reps in enumerate(self.reps):
            for b in reps:
                if b in self.count:
                    self._attach(p, b)

    # -- bookkeeping -------------------------------------------------------------------------------------
    def _attach(self, p: int, b: int) -> None:
        self.count[b] += 1
        self.disk[b] += self.size[p]
        t = self.topic_of[p]
        tc = self.tcount[b]
        tc[t] = tc.get(t, 0) + 1
        self.on[b][p] = None

    def _detach(self, p: int, b: int) -> None:
        self.count[b] -= 1
        self.disk[b] -= self.size[p]
        self.tcount[b][self.topic_of[p]] -= 1
        del self.on[b][p]

    def detach_slot(self, p: int, slot: int) -> int:
        b = self.reps[p][slot]
        if b in self.count:
            self._detach(p, b)
        self.reps[p][slot] = EMPTY
        return b

    def place(self, p: int, slot: int, b: int) -> None:
        self.reps[p][slot] = b
        self._attach(p, b)
        if b not in self.orig[p]:
            self.incoming[b] += self.size[p]

    def unplace(self, p: int, slot: int) -> int:
        b = self.reps[p][slot]
        if b not in self.orig[p]:
            self.incoming[b] -= self.size[p]
        return self.detach_slot(p, slot)

    # -- constraints -------------------------------------------------------------------------------------
    def disk_ok(self, p: int, b: int) -> bool:
        cap = self.capacity.get(b, 0)
        if cap <= 0 or b in self.orig[p]:
            return True
        return self.used_now.get(b, 0) + self.incoming[b] + self.size[p] <= self.disk_limit * cap

    def rack_ok(self, p: int, slot: int, b: int) -> bool:
        """Would putting broker b into `slot` of partition p keep its rack spread (ignoring the slot's holder)?"""
        reps = self.reps[p]
        if b in reps and reps[slot] != b:
            return False
        rf = len(reps)
        most = -(-rf // self.n_racks)
        least = rf // self.n_racks
        counts: dict[str, int] = {}
        for i, r in enumerate(reps):
            if i != slot and r != EMPTY:
                k = self.rack_of[r]
                counts[k] = counts.get(k, 0) + 1
        rack = self.rack_of[b]
        if counts.get(rack, 0) + 1 > most:
            return False
        if least:
            open_slots = sum(1 for i, r in enumerate(reps) if r == EMPTY or i == slot)
            short = sum(max(0, least - counts.get(k, 0)) for k in self.racks)
            if short >= open_slots and counts.get(rack, 0) >= least:
                return False
        return True

    def eligible(self, p: int, slot: int, b: int) -> bool:
        return self.rack_ok(p, slot, b) and self.disk_ok(p, b)

    def target_bytes(self, b: int) -> float:
        """Bytes broker b should hold: total bytes shared in proportion to count target x capacity."""
        return self.total_bytes * self.weight[b] / self.weight_sum if self.weight_sum else 0.0

    def ratio(self, b: int) -> float:
        """Disk held over disk it should hold (1.0 = exactly its share)."""
        target = self.target_bytes(b)
        return self.disk[b] / target if target > 0 else 1.0


@dataclass(frozen=True)
class Item:
    size: int
    p: int
    slot: int
    source: int  # broker it leaves, or EMPTY for a new replica
    mandatory: bool


def rack_spread_fixes(state: State, p: int) -> list[int]:
    """Slots of partition p to free so its rack spread becomes valid (empty when it already is)."""
    reps = state.reps[p]
    rf = len(reps)
    if rf <= state.n_racks and EMPTY not in reps and len({state.rack_of[b] for b in reps}) == rf:
        return []  # the common case: one replica per rack
    most, least = -(-rf // state.n_racks), rf // state.n_racks
    by_rack: dict[str, list[int]] = {}
    for slot, b in enumerate(reps):
        if b != EMPTY:
            by_rack.setdefault(state.rack_of[b], []).append(slot)
    slots: list[int] = []
    for _rack, members in sorted(by_rack.items()):
        if len(members) > most:
            ranked = sorted(members, key=lambda s: (-_excess(state, reps[s]), -reps[s]))
            slots.extend(ranked[: len(members) - most])
    if not slots and least:
        short = sum(max(0, least - len(by_rack.get(k, []))) for k in state.racks)
        if short:
            donors = sorted((s for m in by_rack.values() if len(m) > least for s in m),
                            key=lambda s: (-_excess(state, reps[s]), -reps[s]))
            slots.extend(donors[:short])
    return sorted(slots)


def _excess(state: State, b: int) -> int:
    return state.count.get(b, 0) - state.targets.get(b, 0)


def mandatory_items(state: State, leaving: set[int]) -> list[Item]:
    items: list[Item] = []
    for p, reps in enumerate(state.reps):
        for slot, b in enumerate(reps):
            if b == EMPTY:
                items.append(Item(state.size[p], p, slot, EMPTY, True))
            elif b in leaving:
                state.detach_slot(p, slot)
                items.append(Item(state.size[p], p, slot, b, True))
        for slot in rack_spread_fixes(state, p):
            b = state.detach_slot(p, slot)
            items.append(Item(state.size[p], p, slot, b, True))
    return items


def voluntary_items(state: State, topic_total: Sequence[int]) -> list[Item]:
    """Each broker above target gives up its excess. Topics with travel quota left go first (so receiving
    brokers get every topic in proportion), then the topics it holds most of (ties rotate per broker); sizes
    steer its disk towards its share relative to each topic's mean size; and never two replicas of one
    partition when another candidate of the topic will do."""
    n = len(state.brokers)
    n_topics = max(len(topic_total), 1)
    topic_bytes = [0] * len(topic_total)
    for p, reps in enumerate(state.reps):
        topic_bytes[state.topic_of[p]] += state.size[p] * len(reps)
    topic_mean = [b / c if c else 0.0 for b, c in zip(topic_bytes, topic_total, strict=True)]
    # how many replicas of each topic should travel: what brokers below target would hold of it if they held
    # every topic in proportion (minus what mandatory moves already supply)
    total = sum(topic_total) or 1
    deficit = sum(max(0, state.targets[b] - state.count[b]) for b in state.brokers)
    quota = [deficit * c / total for c in topic_total]
    for p, reps in enumerate(state.reps):
        quota[state.topic_of[p]] -= reps.count(EMPTY)
    leaving: dict[int, int] = {}
    items: list[Item] = []
    for s in state.brokers:
        excess = state.count[s] - state.targets[s]
        if excess <= 0:
            continue
        by_topic: dict[int, list[tuple[int, int]]] = {}
        for p in state.on[s]:
            by_topic.setdefault(state.topic_of[p], []).append((state.size[p], p))
        for lst in by_topic.values():
            lst.sort()

        def key(t: int, s: int = s) -> tuple[bool, float, int]:
            return (quota[t] <= 0, -round(state.tcount[s][t] - topic_total[t] / n, 6),
                    (t * 7919 + s * 104729) % n_topics)

        heap = [(*key(t), t) for t in by_topic]
        heapq.heapify(heap)
        shed = state.disk[s] - state.target_bytes(s)
        mean_here = state.disk[s] / max(state.count[s], 1) or 1.0
        left = excess
        while left > 0 and heap:
            entry = heapq.heappop(heap)
            t = entry[-1]
            fresh = (*key(t), t)
            if fresh != entry:
                heapq.heappush(heap, fresh)  # its quota ran out since it was queued
                continue
            lst = by_topic[t]
            # sizes relative to the topic's own mean, so moved replicas are typical of their topic (their
            # bytes-in too) while the total still brings the broker to its disk share
            want = shed / left / mean_here * topic_mean[t]
            i = _nearest(lst, want, leaving)
            size, p = lst.pop(i)
            slot = state.reps[p].index(s)
            state.detach_slot(p, slot)
            leaving[p] = leaving.get(p, 0) + 1
            quota[t] -= 1
            items.append(Item(size, p, slot, s, False))
            shed -= size
            left -= 1
            if lst:
                heapq.heappush(heap, (*key(t), t))
    return items


def _nearest(lst: list[tuple[int, int]], want: float, leaving: dict[int, int]) -> int:
    """Index in the size-sorted `lst` of the replica closest to `want` bytes whose partition has no other
    replica leaving (the closest of all when every near candidate has)."""
    i = bisect.bisect_left(lst, (int(want), -1))
    lo, hi = i - 1, i
    first = None
    for _ in range(12):
        cands = []
        if lo >= 0:
            cands.append((want - lst[lo][0], lo))
        if hi < len(lst):
            cands.append((lst[hi][0] - want, hi))
        if not cands:
            break
        _, j = min(cands)
        if j == lo:
            lo -= 1
        else:
            hi += 1
        if first is None:
            first = j
        if lst[j][1] not in leaving:
            return j
    return first if first is not None else 0


def assign(state: State, items: list[Item], topic_total: Sequence[int]) -> list[Item]:
    """Place items on brokers below target; returns voluntary items that fit nowhere below target (put back on
    their source, or wherever the rack spread allows when their source no longer does)."""
    n = len(state.brokers)
    groups: dict[str, list[tuple[float, int, int]]] = {}
    version: dict[int, int] = dict.fromkeys(state.brokers, 0)

    def key(b: int) -> tuple[float, int, int]:
        slots = state.targets[b] - state.count[b]
        need = state.target_bytes(b) - state.disk[b]
        return (-need / slots, b, version[b])

    for b in state.brokers:
        if state.targets[b] > state.count[b]:
            groups.setdefault(state.group_of[b], []).append(key(b))
    for heap in groups.values():
        heapq.heapify(heap)
    returned: list[Item] = []
    order = sorted(items, key=lambda it: (-it.size, it.p, it.slot))
    for it in order:
        t = state.topic_of[it.p]
        floor_t = topic_total[t] // n
        ceil_t = -(-topic_total[t] // n)
        # tiers: 0 = dst holds fewer than floor of the topic, 1 = fewer than ceil, 2 = any eligible
        best: tuple[int, tuple[float, int, int]] | None = None
        best_group = ""
        for g, heap in groups.items():
            stash = []
            found: tuple[int, tuple[float, int, int]] | None = None
            tries = 0
            while heap and tries < 24:
                entry = heapq.heappop(heap)
                b = entry[1]
                if entry[2] != version[b] or state.targets[b] <= state.count[b]:
                    continue  # stale
                stash.append(entry)
                tries += 1
                if not state.eligible(it.p, it.slot, b):
                    continue
                held = state.tcount[b].get(t, 0)
                tier = 0 if held < floor_t else 1 if held < ceil_t else 2
                if found is None or (tier, entry) < found:
                    found = (tier, entry)
                if tier == 0:
                    break
            for e in stash:
                heapq.heappush(heap, e)
            if found is not None and (best is None or found < best):
                best, best_group = found, g
        if best is None:
            if not it.mandatory:
                returned.append(it)
            # going home is only safe while another freed slot of the partition has not since taken the source
            # broker or its rack's room; otherwise the replica must move like a mandatory one
            if it.mandatory or not state.eligible(it.p, it.slot, it.source):
                _place_anywhere(state, it)
            else:
                state.place(it.p, it.slot, it.source)
            continue
        b = best[1][1]
        state.place(it.p, it.slot, b)
        version[b] += 1
        if state.targets[b] > state.count[b]:
            heapq.heappush(groups[best_group], key(b))
    return returned


def _place_anywhere(state: State, it: Item) -> None:
    """A replica that must move but no broker below target can take: the least-loaded eligible broker."""
    ranked = sorted(state.brokers, key=lambda b: (state.count[b] - state.targets[b], state.ratio(b), b))
    for b in ranked:
        if state.eligible(it.p, it.slot, b):
            state.place(it.p, it.slot, b)
            state.notes.append(f"{state.topics[state.topic_of[it.p]]}: a replica had to go to broker {b} above "
                               "its count target")
            return
    name = _pname(state, it.p)
    raise LogpipeError(f"partition {name} (replication factor {len(state.reps[it.p])}) cannot be placed: no broker "
                       f"of {state.brokers} keeps it rack-spread with disk within {state.disk_limit:.0%}; add "
                       "brokers or capacity, or lower the replication factor")


def _pname(state: State, p: int) -> str:
    return f"{state.topics[state.topic_of[p]]}-p{p}"


def repair(state: State) -> None:
    """Fill brokers still below target by moving single replicas from brokers above target."""
    for d in state.brokers:
        while state.count[d] < state.targets[d]:
            donors = sorted((b for b in state.brokers if state.count[b] > state.targets[b]),
                            key=lambda b: (state.targets[b] - state.count[b], b))
            moved = False
            for s in donors:
                for p in list(state.on[s]):
                    if d in state.reps[p]:
                        continue
                    slot = state.reps[p].index(s)
                    if state.eligible(p, slot, d):
                        state.unplace(p, slot)
                        state.place(p, slot, d)
                        moved = True
                        break
                if moved:
                    break
            if not moved:
                state.notes.append(f"broker {d} stays {state.targets[d] - state.count[d]} replica(s) below its "
                                   "target: no replica can move to it without breaking rack spread or disk limits")
                break


def balance_disk(state: State, tolerance: float, max_swaps: int) -> int:
    """Swap replicas between the broker furthest above its disk share and light brokers (same rack first) until
    every broker holds at most `tolerance` times its share."""
    swaps = 0
    while swaps < max_swaps:
        h = max(state.brokers, key=lambda b: (state.ratio(b), -b))
        if state.ratio(h) <= tolerance:
            return swaps
        ranked = sorted((b for b in state.brokers if b != h), key=lambda b: (state.ratio(b), b))
        same = [b for b in ranked if state.group_of[b] == state.group_of[h]][:6]
        lights = same + [b for b in ranked[:3] if b not in same]
        best = None
        for low in lights:
            cand = _best_swap(state, h, low)
            if cand is not None and (best is None or cand[0] < best[0]):
                best = cand
        if best is None:
            state.notes.append(f"disk: broker {h} stays at {state.ratio(h):.3f}x its share; no swap improves it")
            return swaps
        _, p, slot_p, q, slot_q, low = best
        state.unplace(p, slot_p)
        state.unplace(q, slot_q)
        state.place(p, slot_p, low)
        state.place(q, slot_q, h)
        swaps += 1
    return swaps


def _best_swap(state: State, h: int, low: int):
    """The swap (replica p: h -> low, replica q: low -> h) that best evens the two brokers, ranked by
    (extra moves, residual imbalance)."""
    dh, dl = state.disk[h], state.disk[low]
    ch, cl = state.target_bytes(h) or 1.0, state.target_bytes(low) or 1.0
    delta = (dh * cl - dl * ch) / (ch + cl)
    if delta <= 0:
        return None
    before = max(dh / ch, dl / cl)
    smalls = sorted((state.size[q], q) for q in state.on[low] if h not in state.reps[q])
    if not smalls:
        return None
    sizes = [s for s, _ in smalls]
    best = None
    for p in state.on[h]:
        if low in state.reps[p]:
            continue
        sp = state.size[p]
        want = sp - delta
        i = bisect.bisect_left(sizes, want)
        for j in (i - 1, i, i + 1):
            if not 0 <= j < len(smalls):
                continue
            sq, q = smalls[j]
            moved = sp - sq
            if moved <= 0:
                continue
            after = max((dh - moved) / ch, (dl + moved) / cl)
            if after >= before:
                continue
            slot_p = state.reps[p].index(h)
            slot_q = state.reps[q].index(low)
            extra = ((low not in state.orig[p]) - (h not in state.orig[p])
                     + (h not in state.orig[q]) - (low not in state.orig[q]))
            rank = (extra, after)
            if best is not None and rank >= best[0]:
                continue
            if not (_swap_ok(state, p, slot_p, low) and _swap_ok(state, q, slot_q, h)):
                continue
            best = (rank, p, slot_p, q, slot_q, low)
    return best


def _swap_ok(state: State, p: int, slot: int, b: int) -> bool:
    if not state.rack_ok(p, slot, b):
        return False
    if b in state.orig[p]:
        return True
    cap = state.capacity.get(b, 0)
    return cap <= 0 or state.used_now.get(b, 0) + state.incoming[b] + state.size[p] <= state.disk_limit * cap
