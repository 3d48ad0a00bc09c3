"""`logpipe faults run [SCENARIO ...] | list`: inject the faults of shared/reliability.md into the running lab,
heal them, reconcile, and print per scenario sent / received / lost / duplicated / recovery seconds."""

from __future__ import annotations

import argparse

from logpipe.errors import LogpipeError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    run_parser = sub.add_parser("run", help="run scenarios (all when none is named) against the lab")
    run_parser.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="ids from `logpipe faults list`")
    sub.add_parser("list", help="the scenario ids and what each does")


def run(args: argparse.Namespace) -> int:
    from logpipe.faults.catalog import CONTROLS, SCENARIOS

    if args.action == "list":
        for name, scenario in SCENARIOS.items():
            print(f"{name:<11}{(scenario.__doc__ or scenario.__name__).strip().splitlines()[0]}")
        return 0
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown:
        raise LogpipeError(f"unknown scenario(s) {unknown}; known: {', '.join(SCENARIOS)}")
    from logpipe.faults.context import LabContext
    from logpipe.faults.measure import format_summary
    from logpipe.lab.state import LabState

    ctx = LabContext.from_state(LabState.load())
    results = [SCENARIOS[name](ctx) for name in (args.scenarios or list(SCENARIOS))]
    print(format_summary(results))
    for result in results:
        if result.checks:
            print(f"{result.scenario}: {result.checks}")
    failed = [r.scenario for r in results if (r.lost > 0) != (r.scenario in CONTROLS)]
    return 1 if failed else 0
