"""The files a plan produces: Kafka's reassignment JSON (version 1), the preferred-leader election JSON, the
replica assignment of new topics, and a plan report (before/after/measures) that `apply` and `verify` read back.
Everything is sorted, so the same input gives byte-identical files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from logpipe.errors import LogpipeError
from logpipe.checks import read_json
from logpipe.placement.model import Cluster, cluster_from_dict, cluster_to_dict
from logpipe.placement.plan import Plan


def reassignment(plan: Plan) -> dict[str, Any]:
    """`kafka-reassign-partitions --execute` input: every existing partition whose replica list or order
    changes (replicas[0] is the preferred leader); unlisted partitions are untouched."""
    rows = [{"topic": new.topic, "partition": new.partition, "replicas": list(new.replicas)}
            for _old, new in sorted(plan.changed, key=lambda pair: pair[1].key)]
    return {"version": 1, "partitions": rows}


def election(plan: Plan) -> dict[str, Any]:
    """`kafka-leader-election --election-type preferred --path-to-json-file` input: partitions whose leader
    (the current one when known, else the old preferred one) is not the planned preferred leader."""
    old = {p.key: p for p in plan.before.partitions}
    rows = []
    for p in sorted(plan.after.partitions, key=lambda p: p.key):
        prev = old[p.key]
        if not prev.replicas:
            continue
        current = prev.leader if prev.leader is not None else prev.replicas[0]
        if current != p.replicas[0]:
            rows.append({"topic": p.topic, "partition": p.partition})
    return {"partitions": rows}


def new_topics(plan: Plan) -> dict[str, Any]:
    """Replica assignments of partitions that had none: `kafka-topics --create --replica-assignment` strings
    and the per-partition lists the admin API takes."""
    old = {p.key: p for p in plan.before.partitions}
    topics: dict[str, list] = {}
    for p in sorted(plan.after.partitions, key=lambda p: p.key):
        if not old[p.key].replicas:
            topics.setdefault(p.topic, []).append(p)
    out = []
    for topic, parts in sorted(topics.items()):
        out.append({"topic": topic,
                    "replica_assignment": ",".join(":".join(map(str, p.replicas)) for p in parts),
                    "partitions": [{"partition": p.partition, "replicas": list(p.replicas)} for p in parts]})
    return {"version": 1, "topics": out}


def report(plan: Plan) -> dict[str, Any]:
    before, after = plan.measures_before(), plan.measures()
    return {
        "version": 1,
        "scenario": plan.scenario,
        "lower_bound": plan.lower_bound,
        "moves": plan.moves,
        "moved_bytes": plan.moved_bytes,
        "new_replicas": plan.new_replicas,
        "forced_replica_spread": plan.forced_replica_spread,
        "topic_leader_spread_relaxed": list(plan.topic_leader_spread_relaxed),
        "notes": list(plan.notes),
        "measures": {"before": before.as_dict(), "after": after.as_dict()},
        "before": cluster_to_dict(plan.before),
        "after": cluster_to_dict(plan.after),
    }


def summary(plan: Plan) -> str:
    b, a = plan.measures_before(), plan.measures()
    lines = [
        f"scenario {plan.scenario}: {plan.moves} replica moves ({plan.moved_bytes / 1024**3:.1f} GiB), "
        f"lower bound {plan.lower_bound}" + (f", {plan.new_replicas} new replicas placed" if plan.new_replicas else ""),
        f"  replica spread   {b.replica_spread:>6} -> {a.replica_spread}"
        + (f" (racks force {plan.forced_replica_spread})" if plan.forced_replica_spread > 1 else ""),
        f"  leader spread    {b.leader_spread:>6} -> {a.leader_spread} (worst per topic {b.topic_leader_spread_max} "
        f"-> {a.topic_leader_spread_max})",
        f"  leader bytes-in  {b.leader_bytes_max_over_mean:>6.3f} -> {a.leader_bytes_max_over_mean:.3f} max/mean",
        f"  disk             {b.disk_max_over_mean:>6.3f} -> {a.disk_max_over_mean:.3f} max/mean",
        f"  rack violations  {b.rack_violations:>6} -> {a.rack_violations}",
        f"  partitions changed {len(plan.changed)}, leader elections {len(election(plan)['partitions'])}",
    ]
    lines += [f"  note: {n}" for n in plan.notes]
    return "\n".join(lines)


def write_plan(plan: Plan, out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "reassignment": (out / "reassignment.json", reassignment(plan)),
        "election": (out / "election.json", election(plan)),
        "plan": (out / "plan.json", report(plan)),
    }
    if plan.new_replicas:
        files["topics"] = (out / "topics.json", new_topics(plan))
    for path, data in files.values():
        path.write_text(dumps(data))
    return {name: path for name, (path, _) in files.items()}


def dumps(data: Any) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def read_plan(path: str | Path) -> tuple[Cluster, Cluster, dict[str, Any]]:
    """(before, after, report) from a plan.json written by `write_plan`."""
    data = read_json(path, "plan", "; run `logpipe placement plan --out DIR` first")
    if not isinstance(data, dict) or data.get("version") != 1 or "before" not in data or "after" not in data:
        raise LogpipeError(f"{path}: not a logpipe plan (expected version 1 with 'before' and 'after')")
    return (cluster_from_dict(data["before"], f"{path}:before"), cluster_from_dict(data["after"], f"{path}:after"),
            data)
