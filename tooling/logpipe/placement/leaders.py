"""Preferred leaders: choose which replica of every partition comes first, moving no data.

Goals in order: per-broker preferred-leader counts within floor/ceil of the mean (spread <= 1), the same per topic
where the replica sets allow it, then leader bytes-in balance. A greedy pass (highest bytes-in first, to the
replica with the fewest leaders of the topic, then the fewest bytes-in) gets close; augmenting paths over
"x leads a partition that y also holds" edges fix the remaining count violations exactly (the max-flow view of
leader balance); swaps of two leaderships between a pair of brokers then even out bytes-in without changing
any count.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LeaderResult:
    leaders: list[int]  # chosen leader per partition
    topic_spread_relaxed: tuple[str, ...]  # topics whose replica sets do not allow a per-topic spread <= 1


class _Leaders:
    def __init__(self, reps: Sequence[Sequence[int]], topic_of: Sequence[int], rate: Sequence[float],
                 brokers: Sequence[int], n_topics: int, prior: Sequence[int | None],
                 pinned: Sequence[bool]) -> None:
        self.reps = reps
        self.topic_of = topic_of
        self.rate = rate
        self.brokers = list(brokers)
        self.n = len(self.brokers)
        self.P = len(reps)
        self.leader = [-1] * self.P
        self.g = dict.fromkeys(self.brokers, 0)
        self.lbytes = dict.fromkeys(self.brokers, 0.0)
        self.tc: dict[int, list[int]] = {b: [0] * n_topics for b in self.brokers}
        self.led: dict[int, dict[int, None]] = {b: {} for b in self.brokers}
        self.ledt: dict[tuple[int, int], dict[int, None]] = {}  # (broker, topic) -> partitions it leads
        self.holds: dict[int, list[int]] = {b: [] for b in self.brokers}
        self.topic_size = [0] * n_topics
        for p, rs in enumerate(reps):
            self.topic_size[topic_of[p]] += 1
            for b in rs:
                self.holds[b].append(p)
        self.hi_g = -(-self.P // self.n) if self.n else 0
        self.lo_g = self.P // self.n if self.n else 0
        self.hi_t = [-(-s // self.n) for s in self.topic_size]
        self.lo_t = [s // self.n for s in self.topic_size]
        self.prior = prior
        self.pinned = pinned

    def set(self, p: int, b: int) -> None:
        old = self.leader[p]
        t = self.topic_of[p]
        if old >= 0:
            self.g[old] -= 1
            self.lbytes[old] -= self.rate[p]
            self.tc[old][t] -= 1
            del self.led[old][p]
            del self.ledt[(old, t)][p]
        self.leader[p] = b
        self.g[b] += 1
        self.lbytes[b] += self.rate[p]
        self.tc[b][t] += 1
        self.led[b][p] = None
        self.ledt.setdefault((b, t), {})[p] = None

    # -- greedy ----------------------------------------------------------------------------------------------
    def greedy(self) -> None:
        """Highest bytes-in first, to the replica with the least leader bytes-in among those below the topic
        and global count ceilings (pinned partitions first, to their prior leader)."""
        for p in range(self.P):
            if self.pinned[p]:
                self.set(p, self.prior[p])
        order = sorted((p for p in range(self.P) if not self.pinned[p]), key=lambda p: (-self.rate[p], p))
        for p in order:
            t = self.topic_of[p]
            best = min(self.reps[p], key=lambda b: (
                self.tc[b][t] >= self.hi_t[t], self.g[b] >= self.hi_g, self.tc[b][t] >= self.lo_t[t],
                self.lbytes[b], self.tc[b][t], b != self.prior[p], b))
            self.set(p, best)

    # -- augmenting paths ------------------------------------------------------------------------------------
    def _path(self, starts: Iterable[int], is_sink: Callable[[int], bool],
              out_edges) -> list[tuple[int, int, int]] | None:
        """BFS from `starts` over out_edges(x) -> (p, y); returns the path's hops (p, y, x) from the sink back to
        the start, or None when no sink is reachable."""
        parent: dict[int, tuple[int, int] | None] = {}
        queue: deque[int] = deque()
        for s in starts:
            parent[s] = None
            queue.append(s)
        while queue:
            x = queue.popleft()
            for p, y in out_edges(x):
                if y in parent:
                    continue
                parent[y] = (x, p)
                if is_sink(y):
                    hops = []
                    node = y
                    while (link := parent[node]) is not None:
                        prev, part = link
                        hops.append((part, node, prev))
                        node = prev
                    return hops
                queue.append(y)
        return None

    def _retarget(self, hops: list[tuple[int, int, int]], giver_receiver, candidates) -> list[tuple[int, int]]:
        """For each hop, the partition handed over: among every partition the giver could hand to the receiver,
        the one that brings both closest to the mean leader bytes-in."""
        mean = sum(self.lbytes.values()) / max(self.n, 1)
        out = []
        used: set[int] = set()
        for hop in hops:
            x, y = giver_receiver(hop)
            best_p, best_cost = hop[0], None
            for p in candidates(x, y):
                if p in used:
                    continue
                r = self.rate[p]
                cost = abs(self.lbytes[x] - r - mean) + abs(self.lbytes[y] + r - mean)
                if best_cost is None or cost < best_cost:
                    best_p, best_cost = p, cost
            used.add(best_p)
            out.append((best_p, y))
        return out

    def fix_topic(self, t: int, parts: list[int]) -> bool:
        """Bring topic t's leader counts within [lo_t, hi_t]; False where the replica sets do not allow it."""
        holds_t: dict[int, list[int]] = {}
        for p in parts:
            if not self.pinned[p]:
                for b in self.reps[p]:
                    holds_t.setdefault(b, []).append(p)
        if not holds_t:
            return True  # every partition pinned: nothing to decide here
        empty: dict[int, None] = {}

        def forward(x: int):
            for p in self.ledt.get((x, t), empty):
                if self.pinned[p]:
                    continue
                for y in self.reps[p]:
                    if y != x:
                        yield p, y

        def backward(y: int):
            for p in holds_t.get(y, ()):
                x = self.leader[p]
                if x != y:
                    yield p, x

        def topic_edge(x: int, y: int):
            for p in self.ledt.get((x, t), empty):
                if y in self.reps[p] and not self.pinned[p]:
                    yield p

        hi, lo = self.hi_t[t], self.lo_t[t]
        ok = True
        holders = sorted(holds_t)
        # one pass each suffices: a path only changes its two ends, and neither end overshoots
        for b in holders:
            while self.tc[b][t] > hi:
                hops = self._path([b], lambda y: self.tc[y][t] < hi, forward)
                if hops is None:
                    ok = False
                    break
                for p, y in self._retarget(hops, lambda h: (h[2], h[1]), topic_edge):
                    self.set(p, y)
        for b in holders:
            while self.tc[b][t] < lo:
                hops = self._path([b], lambda x: self.tc[x][t] > lo, backward)
                if hops is None:
                    ok = False
                    break
                for p, y in self._retarget(hops, lambda h: (h[1], h[2]), topic_edge):
                    self.set(p, y)
        # brokers holding no replica of t lead none of it: the spread stays above 1 when the mean is >= 1
        return ok and not (lo >= 1 and len(holds_t) < self.n)

    def fix_global(self, relaxed: set[int]) -> None:
        def topic_ok_give(x: int, t: int) -> bool:
            return t in relaxed or self.tc[x][t] - 1 >= self.lo_t[t]

        def topic_ok_take(y: int, t: int) -> bool:
            return t in relaxed or self.tc[y][t] + 1 <= self.hi_t[t]

        def forward(x: int):
            for p in self.led[x]:
                if self.pinned[p]:
                    continue
                t = self.topic_of[p]
                if not topic_ok_give(x, t):
                    continue
                for y in self.reps[p]:
                    if y != x and topic_ok_take(y, t):
                        yield p, y

        def backward(y: int):
            for p in self.holds[y]:
                if self.pinned[p]:
                    continue
                x = self.leader[p]
                t = self.topic_of[p]
                if x != y and topic_ok_give(x, t) and topic_ok_take(y, t):
                    yield p, x

        def global_edge(x: int, y: int):
            for p in self.led[x]:
                if self.pinned[p] or y not in self.reps[p]:
                    continue
                t = self.topic_of[p]
                if topic_ok_give(x, t) and topic_ok_take(y, t):
                    yield p

        def lower_max() -> bool:
            top, bottom = max(self.g.values()), min(self.g.values())
            if top - bottom <= 1:
                return False
            for u in (b for b in self.brokers if self.g[b] == top):
                sink = lambda y: self.g[y] <= top - 2  # noqa: E731 - lowers the max, raises nothing to it
                # the global spread comes first: give up a per-topic bound only when needed
                hops = self._path([u], sink, forward) or self._path([u], sink, self._any_forward)
                if hops:
                    for p, y in self._retarget(hops, lambda h: (h[2], h[1]), global_edge):
                        self.set(p, y)
                    return True
            return False

        def raise_min() -> bool:
            top, bottom = max(self.g.values()), min(self.g.values())
            if top - bottom <= 1:
                return False
            for v in (b for b in self.brokers if self.g[b] == bottom):
                source = lambda x: self.g[x] >= bottom + 2  # noqa: E731
                hops = self._path([v], source, backward) or self._path([v], source, self._any_backward)
                if hops:
                    for p, y in self._retarget(hops, lambda h: (h[1], h[2]), global_edge):
                        self.set(p, y)
                    return True
            return False

        for _ in range(2 * self.P + 4):
            if not (lower_max() or raise_min()):
                return

    def _any_forward(self, x: int):
        for p in self.led[x]:
            if self.pinned[p]:
                continue
            for y in self.reps[p]:
                if y != x:
                    yield p, y

    def _any_backward(self, y: int):
        for p in self.holds[y]:
            if self.pinned[p]:
                continue
            x = self.leader[p]
            if x != y:
                yield p, x

    # -- bytes-in -------------------------------------------------------------------------------------------
    def balance_bytes(self, relaxed: set[int], tolerance: float, max_rounds: int) -> None:
        total = sum(self.lbytes.values())
        if total <= 0 or self.n < 2:
            return
        mean = total / self.n
        for _ in range(max_rounds):
            h = max(self.brokers, key=lambda b: (self.lbytes[b], -b))
            if self.lbytes[h] <= tolerance * mean:
                return
            if not self._improve(h, relaxed):
                return

    def _improve(self, h: int, relaxed: set[int]) -> bool:
        """Best single flip or pair swap that lowers broker h's leader bytes-in without breaking any count bound."""
        give: dict[int, list[tuple[float, int]]] = {}
        for p in self.led[h]:
            if self.pinned[p]:
                continue
            for y in self.reps[p]:
                if y != h:
                    give.setdefault(y, []).append((self.rate[p], p))
        take: dict[int, list[tuple[float, int]]] = {}
        for q in self.holds[h]:
            if self.pinned[q]:
                continue
            y = self.leader[q]
            if y != h and y in give:
                take.setdefault(y, []).append((self.rate[q], q))
        best: tuple[float, int, int, int] | None = None  # (new max of the pair, p, q or -1, y)
        bh = self.lbytes[h]
        for y in sorted(give):
            by = self.lbytes[y]
            if by >= bh:
                continue
            delta = (bh - by) / 2
            gives = give[y]
            # a single flip keeps counts only when both stay within bounds
            if self.g[h] - 1 >= self.lo_g and self.g[y] + 1 <= self.hi_g:
                for r, p in gives:
                    t = self.topic_of[p]
                    if t in relaxed or (self.tc[h][t] - 1 >= self.lo_t[t] and self.tc[y][t] + 1 <= self.hi_t[t]):
                        new = max(bh - r, by + r)
                        if new < bh and (best is None or new < best[0]):
                            best = (new, p, -1, y)
            takes = sorted(take.get(y, ()))
            if not takes:
                continue
            rates = [r for r, _ in takes]
            for r, p in gives:
                tp = self.topic_of[p]
                give_ok = tp in relaxed or (self.tc[h][tp] - 1 >= self.lo_t[tp] and self.tc[y][tp] + 1 <= self.hi_t[tp])
                i = bisect.bisect_left(rates, r - delta)
                lo, hi_i = i - 1, i
                for _ in range(16):  # walk outwards from the ideal partner until a valid one
                    if lo < 0 and hi_i >= len(takes):
                        break
                    if hi_i >= len(takes) or (lo >= 0 and (r - delta) - rates[lo] <= rates[hi_i] - (r - delta)):
                        j, lo = lo, lo - 1
                    else:
                        j, hi_i = hi_i, hi_i + 1
                    rq, q = takes[j]
                    moved = r - rq
                    if moved <= 0:
                        continue
                    new = max(bh - moved, by + moved)
                    if new >= bh or (best is not None and new >= best[0]):
                        continue
                    tq = self.topic_of[q]
                    if tp != tq and not (give_ok and (tq in relaxed or (
                            self.tc[y][tq] - 1 >= self.lo_t[tq] and self.tc[h][tq] + 1 <= self.hi_t[tq]))):
                        continue
                    best = (new, p, q, y)
                    break
        if best is None:
            return False
        _, p, q, y = best
        self.set(p, y)
        if q >= 0:
            self.set(q, h)
        return True


def choose_leaders(reps: Sequence[Sequence[int]], topic_of: Sequence[int], rate: Sequence[float],
                   brokers: Sequence[int], topics: Sequence[str], prior: Sequence[int | None],
                   pinned: Sequence[bool] | None = None, bytes_tolerance: float = 1.02) -> LeaderResult:
    """Leader per partition. `prior` (current leaders) breaks ties; `pinned` partitions keep their prior leader."""
    state = _Leaders(reps, topic_of, rate, brokers, len(topics), prior, pinned or [False] * len(reps))
    by_topic: dict[int, list[int]] = {}
    for p, t in enumerate(topic_of):
        by_topic.setdefault(t, []).append(p)
    state.greedy()
    relaxed: set[int] = set()
    for t in sorted(by_topic):
        if not state.fix_topic(t, by_topic[t]):
            relaxed.add(t)
            # keep what the replica sets allow as this topic's bounds, so later steps never widen its spread
            held = [state.tc[b][t] for b in {b for p in by_topic[t] for b in reps[p]}]
            state.hi_t[t] = max(state.hi_t[t], max(held, default=0))
            state.lo_t[t] = min(state.lo_t[t], min(held, default=0))
    state.fix_global(set())
    state.balance_bytes(set(), bytes_tolerance, max_rounds=20 * len(reps) // max(len(brokers), 1) + 100)
    return LeaderResult(leaders=state.leader, topic_spread_relaxed=tuple(sorted(topics[t] for t in relaxed)))
