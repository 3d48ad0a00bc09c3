"""`logpipe artifacts`: build, verify and list the local artifact source.

  build [--only NAME ...] [--force]   build what is missing or whose recipe changed (minutes for Go builds)
  verify                              recompute every sha256; exit 2 naming the first file that differs
  list                                print the recorded artifacts
  gomod NAME                          regenerate a Go wrapper module's go.mod/go.sum (maintainers, needs network);
                                      NAME is consul, filebeat or tflint (the Terraform linter of `make lint`)

Versions: LOGPIPE_KAFKA_VERSION, LOGPIPE_CONSUL_VERSION, LOGPIPE_FILEBEAT_VERSION (e.g. 7.17.29).
Location: LOGPIPE_ARTIFACTS, else $LOGPIPE_CACHE/artifacts.
"""

from __future__ import annotations

import argparse

from logpipe.artifacts import build as builder
from logpipe.artifacts import store
from logpipe.artifacts.pins import NAMES, selected_pins
from logpipe.console import step
from logpipe.paths import artifact_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = sub.add_parser("build", help="build missing or outdated artifacts")
    build.add_argument("--only", action="append", choices=NAMES, metavar="NAME",
                       help=f"build only this artifact ({', '.join(NAMES)}); repeatable")
    build.add_argument("--force", action="store_true", help="rebuild even when the cached artifact is current")
    sub.add_parser("verify", help="recompute every sha256 and compare with manifest.json and SHA256SUMS")
    sub.add_parser("list", help="print the recorded artifacts")
    gomod = sub.add_parser("gomod", help="regenerate the wrapper go.mod/go.sum of a Go artifact")
    gomod.add_argument("name", choices=("consul", "filebeat", "tflint"))


def _print_records(records: list[store.Record]) -> None:
    width = max((len(r.file) for r in records), default=4)
    for r in records:
        print(f"{r.name:<9} {r.version:<9} {r.file:<{width}}  {r.sha256}  {r.size / 1e6:7.1f} MB")
        print(f"{'':<20}built from {r.built_from}")


def run(args: argparse.Namespace) -> int:
    directory = artifact_dir()
    if args.action == "build":
        outcomes = builder.build(args.only, force=args.force)
        built = sum(o.rebuilt for o in outcomes)
        step(f"artifacts in {directory}: {built} built, {len(outcomes) - built} up to date")
        return 0
    if args.action == "verify":
        records = builder.verify()
        for r in records:
            print(f"OK  {r.file}  {r.sha256}")
        step(f"{len(records)} artifacts in {directory} match manifest.json and SHA256SUMS")
        return 0
    if args.action == "list":
        records = list(store.read_records(directory).values())
        if not records:
            print(f"no artifacts in {directory}; run `logpipe artifacts build`")
            return 1
        _print_records(records)
        return 0
    from logpipe.artifacts import gomod, tflint

    gomod.refresh(tflint.PIN if args.name == "tflint" else getattr(selected_pins(), args.name))
    return 0
