"""`logpipe retention plan | check`: retention and segment settings per topic that fit every broker's disks.

logpipe retention plan --input retention.yml [--chart budget.png] [--degrade] [--json]
    Prints a table per topic (retention.ms, retention.bytes per partition, segment.bytes, segment.ms, peak per
    replica, age overshoot bound) and per broker (capacity, 80% limit, move reserve, peak need, free).
    --json prints the kafka_topic configs instead. Exit 2 when the goals do not fit (the message names the
    class and the shortfall).
logpipe retention check --input retention.yml (--grow TOPIC=PARTITIONS | --reassignment plan.json)
    Re-checks the budget before a change. Exit 0 when it fits, 1 when refused (with the broker and bytes over),
    2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from logpipe.errors import LogpipeError
from logpipe.retention.budget import BudgetExceeded, plan
from logpipe.retention.changes import AddPartitions, Change, PlacementPlan, plan_change
from logpipe.retention.loader import load_file, placement_from_reassignment
from logpipe.retention.model import BudgetInputs, even_placement
from logpipe.retention.topics import kafka_topic_entries
from logpipe.retention.report import BROKER_HEADER, broker_rows, render, table
from logpipe.units import format_bytes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    plan_parser = sub.add_parser("plan", help="per-topic settings and per-broker disk budget")
    plan_parser.add_argument("--input", type=Path, required=True, help="YAML: classes, brokers, topics, placement")
    plan_parser.add_argument("--chart", type=Path, help="write a bar chart of each broker's disk budget (PNG)")
    plan_parser.add_argument("--degrade", action="store_true", help="shorten classes by priority instead of failing")
    plan_parser.add_argument("--json", action="store_true", help="print the kafka_topic configs as JSON")
    check_parser = sub.add_parser("check", help="re-check the budget before growing a topic or moving replicas")
    check_parser.add_argument("--input", type=Path, required=True, help="YAML: the current state")
    change = check_parser.add_mutually_exclusive_group(required=True)
    change.add_argument("--grow", metavar="TOPIC=PARTITIONS", help="grow a topic (new replicas striped evenly)")
    change.add_argument("--reassignment", type=Path, metavar="FILE.json", help="Kafka reassignment JSON to check")


def run(args: argparse.Namespace) -> int:
    inputs, assumed = load_file(args.input)
    if args.action == "plan":
        return _plan(inputs, assumed, args)
    return _check(inputs, args)


def _plan(inputs: BudgetInputs, assumed: bool, args: argparse.Namespace) -> int:
    if args.degrade:
        inputs = replace(inputs, settings=replace(inputs.settings, degrade=True))
    result = plan(inputs)
    if args.json:
        print(json.dumps(kafka_topic_entries(result), indent=2))
    else:
        sys.stdout.write(render(result, placement_assumed=assumed))
    if args.chart:
        from logpipe.retention.chart import write_chart

        write_chart(result, args.chart)
        print(f"chart: {args.chart}", file=sys.stderr)
    return 0


def grow_evenly(inputs: BudgetInputs, topic_name: str, partitions: int) -> AddPartitions:
    """New partitions striped over the brokers as even_placement would place them."""
    topic = inputs.topic_named(topic_name)
    grown = replace(topic, partitions=partitions)
    striped = even_placement(inputs.brokers, [t if t.name != topic_name else grown for t in inputs.topics])
    new = {
        b: tuple(r for r in hosted if r[0] == topic_name and r[1] >= topic.partitions) for b, hosted in striped.items()
    }
    return AddPartitions(topic_name, partitions, {b: hosted for b, hosted in new.items() if hosted})


def _parse_grow(text: str) -> tuple[str, int]:
    name, sep, count = text.rpartition("=")
    if not sep or not name or not count.isdigit():
        raise LogpipeError(f"--grow: expected TOPIC=PARTITIONS, got {text!r}")
    return name, int(count)


def _check(inputs: BudgetInputs, args: argparse.Namespace) -> int:
    change: Change
    if args.grow:
        change = grow_evenly(inputs, *_parse_grow(args.grow))
        what = f"growing {change.topic!r} to {change.partitions} partitions"
    else:
        try:
            document = json.loads(args.reassignment.read_text())
        except (OSError, ValueError) as exc:
            raise LogpipeError(f"--reassignment {args.reassignment}: cannot read it as JSON ({exc})") from exc
        change = PlacementPlan(placement_from_reassignment(inputs.placement, document))
        what = f"reassignment {args.reassignment}"
    try:
        _, budgets = plan_change(inputs, change)
    except BudgetExceeded as exc:
        print(f"REFUSED {what}: {exc}")
        return 1
    tightest = min(b.tightest.free_bytes for b in budgets)
    print(f"OK {what}: every disk stays within budget (least free: {format_bytes(tightest)})")
    print(table(BROKER_HEADER, broker_rows(replace(plan(inputs), brokers=budgets))))
    return 0
