"""`logpipe placement plan | apply | verify`.

  plan    read a cluster (a JSON file or a live cluster), plan one scenario, write reassignment.json (Kafka's
          version-1 format), election.json, plan.json (and topics.json for a new topic); print the figures
  apply   apply a plan.json to the live cluster: batches under a replication throttle, wait for each,
          remove throttles, elect preferred leaders; then verify
  verify  recompute every measure from the live cluster; exit 1 when a goal is missed

Exit codes: 0 ok, 1 verify found problems, 2 bad input or unreachable cluster.
"""

from __future__ import annotations

import argparse
import json
import sys

from logpipe.errors import LogpipeError
from logpipe.placement import output
from logpipe.placement.model import Broker, Cluster, load_cluster
from logpipe.placement.plan import Options, Plan, place_topic, plan, replace_broker

GIB = 1024**3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    p = sub.add_parser("plan", help="plan a scenario and write Kafka's reassignment and election JSON")
    _source(p)
    scen = p.add_argument_group("scenario (default: rebalance replicas and leaders where they stand)")
    scen.add_argument("--add-broker", action="append", default=[], metavar="ID:RACK[:CAPACITY_GIB]",
                      help="a broker joining the cluster (repeat for several); RACK '-' when racks are not used")
    scen.add_argument("--remove-broker", action="append", default=[], type=int, metavar="ID",
                      help="a broker leaving the cluster: all its replicas move off (repeat for several)")
    scen.add_argument("--replace", metavar="OLD:NEW", help="move everything on broker OLD to new broker NEW "
                      "(same rack and capacity)")
    scen.add_argument("--leaders-only", action="store_true", help="rebalance preferred leaders; moves no data")
    scen.add_argument("--new-topic", metavar="NAME:PARTITIONS:RF[:SIZE_BYTES[:BYTES_IN_PER_SEC]]",
                      help="place a new topic (per-partition size and rate estimates) without moving anything")
    p.add_argument("--disk-limit", type=float, default=0.80,
                   help="max disk use per broker counting every move in flight (default 0.80)")
    p.add_argument("--out", default="placement-plan", help="directory for the JSON files (default ./placement-plan)")
    p.add_argument("--plot", metavar="FILE.png", help="draw per-broker replicas, leaders and disk before/after")
    p.add_argument("--json", action="store_true", help="print the plan report as JSON instead of the summary")

    a = sub.add_parser("apply", help="apply a plan.json to the live cluster, in throttled batches")
    a.add_argument("--bootstrap-server", required=True, metavar="HOST:PORT")
    a.add_argument("--plan", required=True, metavar="PLAN_JSON", help="plan.json written by `plan --out`")
    a.add_argument("--batch-size", type=int, default=50, help="partitions with data moves per batch (default 50)")
    a.add_argument("--max-batch-mb", type=int, default=0, help="MiB copied per batch at most (default: no cap)")
    a.add_argument("--throttle-mb", type=float, default=50.0,
                   help="replication throttle per broker in MiB/s while a batch copies (default 50)")
    a.add_argument("--batch-timeout", type=float, default=3600.0, help="seconds to wait per batch (default 3600)")
    a.add_argument("--include-internal", action="store_true", help="also read internal topics")
    a.add_argument("--dry-run", action="store_true", help="print the batches; change nothing")

    v = sub.add_parser("verify", help="recompute every measure from the live cluster; exit 1 on a missed goal")
    v.add_argument("--bootstrap-server", required=True, metavar="HOST:PORT")
    v.add_argument("--plan", metavar="PLAN_JSON", help="also check that replicas match this plan's 'after'")
    v.add_argument("--include-internal", action="store_true", help="also read internal topics")
    v.add_argument("--json", action="store_true", help="print the measures as JSON")


def _source(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--cluster", metavar="FILE.json", help="cluster description (see docs/placement.md)")
    src.add_argument("--bootstrap-server", metavar="HOST:PORT", help="read the live cluster via the admin API")
    p.add_argument("--rate-sample-seconds", type=float, default=0.0,
                   help="live: sample bytes-in per partition for this long (default 0: not sampled)")
    p.add_argument("--capacity-gib", type=float, default=0.0,
                   help="live: disk capacity per broker when log dirs do not report it")
    p.add_argument("--include-internal", action="store_true", help="live: also place internal topics")


def run(args: argparse.Namespace) -> int:
    if args.action == "plan":
        return _plan(args)
    if args.action == "apply":
        return _apply(args)
    return _verify(args)


def _connect(bootstrap: str):
    from logpipe.kafka.admin import connect
    from logpipe.placement.admin import CLIENT_ID

    return connect(bootstrap, client_id=CLIENT_ID)


def _read(args: argparse.Namespace) -> Cluster:
    if getattr(args, "cluster", None):
        return load_cluster(args.cluster)
    from logpipe.placement import admin as live

    client = _connect(args.bootstrap_server)
    try:
        return live.read_cluster(client, rate_sample_seconds=getattr(args, "rate_sample_seconds", 0.0),
                                 capacity_bytes=int(getattr(args, "capacity_gib", 0.0) * GIB),
                                 include_internal=args.include_internal)
    finally:
        client.close()


def parse_broker(text: str) -> Broker:
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise LogpipeError(f"--add-broker {text!r}: expected ID:RACK or ID:RACK:CAPACITY_GIB")
    try:
        bid = int(parts[0])
        cap = int(float(parts[2]) * GIB) if len(parts) == 3 else 0
    except ValueError:
        raise LogpipeError(f"--add-broker {text!r}: ID and CAPACITY_GIB must be numbers") from None
    return Broker(bid, None if parts[1] in ("", "-") else parts[1], cap)


def build_plan(cluster: Cluster, args: argparse.Namespace) -> Plan:
    opts = Options(disk_limit=args.disk_limit)
    chosen = [bool(args.add_broker or args.remove_broker), bool(args.replace), args.leaders_only,
              bool(args.new_topic)]
    if sum(chosen) > 1:
        raise LogpipeError("choose one scenario: --add-broker/--remove-broker, --replace, --leaders-only or "
                           "--new-topic")
    if args.replace:
        try:
            old, new = (int(x) for x in args.replace.split(":"))
        except ValueError:
            raise LogpipeError(f"--replace {args.replace!r}: expected OLD:NEW broker ids") from None
        return replace_broker(cluster, old, Broker(new), options=opts)
    if args.new_topic:
        f = args.new_topic.split(":")
        if not 3 <= len(f) <= 5:
            raise LogpipeError(f"--new-topic {args.new_topic!r}: expected NAME:PARTITIONS:RF[:SIZE[:RATE]]")
        try:
            return place_topic(cluster, f[0], int(f[1]), int(f[2]), int(f[3]) if len(f) > 3 else 0,
                               float(f[4]) if len(f) > 4 else 0.0, options=opts)
        except ValueError:
            raise LogpipeError(f"--new-topic {args.new_topic!r}: PARTITIONS, RF, SIZE and RATE must be "
                               "numbers") from None
    if args.leaders_only:
        return plan(cluster, leaders_only=True, scenario="leaders-only", options=opts)
    add = [parse_broker(t) for t in args.add_broker]
    scenario = "add-brokers" if add and not args.remove_broker else "remove-brokers" if args.remove_broker else \
        "rebalance"
    return plan(cluster, add=add, remove=args.remove_broker, scenario=scenario, options=opts)


def _plan(args: argparse.Namespace) -> int:
    cluster = _read(args)
    result = build_plan(cluster, args)
    files = output.write_plan(result, args.out)
    if args.json:
        print(output.dumps(output.report(result)), end="")
    else:
        print(output.summary(result))
        for name, path in files.items():
            print(f"  wrote {name}: {path}")
    if args.plot:
        from logpipe.placement.plot import plot

        plot(result.measures_before(), result.measures(), args.plot, title=f"logpipe placement: {result.scenario}")
        print(f"  wrote plot: {args.plot}")
    return 0


def _apply(args: argparse.Namespace) -> int:
    from logpipe.placement import admin as live
    from logpipe.placement.apply import apply_plan

    before, after, _ = output.read_plan(args.plan)
    client = _connect(args.bootstrap_server)
    try:
        now = live.read_cluster(client, include_internal=args.include_internal)
        result = apply_plan(client, before, after, now, batch_size=args.batch_size,
                            max_batch_bytes=args.max_batch_mb * 1024**2,
                            throttle_bytes=int(args.throttle_mb * 1024**2), batch_timeout=args.batch_timeout,
                            dry_run=args.dry_run, progress=lambda m: print(m, flush=True))
        print(f"applied {result.partitions} partition change(s) in {result.batches} batch(es); "
              f"{result.elections} election(s)" + (" (dry run)" if args.dry_run else ""))
        if args.dry_run:
            return 0
        return _report_verify(client, after, args.include_internal, as_json=False)
    finally:
        client.close()


def _verify(args: argparse.Namespace) -> int:
    planned = output.read_plan(args.plan)[1] if args.plan else None
    client = _connect(args.bootstrap_server)
    try:
        return _report_verify(client, planned, args.include_internal, as_json=args.json)
    finally:
        client.close()


def _report_verify(client, planned: Cluster | None, include_internal: bool, as_json: bool) -> int:
    from logpipe.placement import admin as live
    from logpipe.placement.apply import leftover_throttles
    from logpipe.placement.verify import verify

    now = live.read_cluster(client, include_internal=include_internal)
    ongoing = len(client.list_partition_reassignments())
    throttles = leftover_throttles(client, sorted({p.topic for p in now.partitions}), list(now.broker_ids))
    verdict = verify(now, planned=planned, ongoing=ongoing, throttles=throttles)
    m = verdict.measures
    if as_json:
        print(json.dumps({"ok": verdict.ok, "problems": list(verdict.problems), "measures": m.as_dict()},
                         indent=1, sort_keys=True))
    else:
        print(f"verify: replica spread {m.replica_spread}, leader spread {m.leader_spread} (actual leaders), "
              f"worst topic leader spread {m.topic_leader_spread_max}, rack violations {m.rack_violations}, "
              f"disk max/mean {m.disk_max_over_mean:.3f}")
        for b in m.brokers:
            print(f"  broker {b.broker:>5} rack {b.rack or '-':>8}: {b.replicas:>6} replicas, {b.leaders:>5} leaders, "
                  f"{b.disk_bytes / GIB:9.2f} GiB")
        for problem in verdict.problems:
            print(f"  PROBLEM: {problem}", file=sys.stderr)
        print("verify: ok" if verdict.ok else "verify: goals missed")
    return 0 if verdict.ok else 1
