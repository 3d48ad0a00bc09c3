"""The `logpipe` command. Each subcommand lives in its own module exposing `add_arguments(parser)` and
`run(args) -> int`; modules are imported only when their subcommand runs, so `--help` stays fast."""

from __future__ import annotations

import argparse
import importlib
import sys
from importlib.metadata import version

from logpipe import DISTRIBUTION

from logpipe.errors import LogpipeError

# subcommand -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "image": ("logpipe.lab.image", "build the Debian bookworm host image for lab and molecule hosts"),
    "ssh-key": ("logpipe.lab.ssh", "print the SSH key Ansible uses for lab and molecule hosts (made on first use)"),
    "artifacts": ("logpipe.artifacts.cli", "build and verify the local artifact source (Kafka, Consul, Filebeat)"),
    "terraform-config": ("logpipe.terraform.config", "write the Terraform CLI config with a filesystem mirror"),
    "lab": ("logpipe.lab.cli", "bring the local platform up, show its status, push test traffic, tear it down"),
    "inventory": ("logpipe.inventory.cli", "write the Ansible inventory from Terraform outputs"),
    "sizing": ("logpipe.sizing.cli", "broker settings (threads, heap, log dirs) from hardware facts"),
    "placement": ("logpipe.placement.cli", "plan, apply and verify rack-aware replica and leader placement"),
    "retention": ("logpipe.retention.cli", "plan retention and segment settings that fit the disks"),
    "logmaster": ("logpipe.logmaster.cli", "run the logmaster: Beats protocol in, Kafka out"),
    "faults": ("logpipe.faults.cli", "inject the reliability faults into the lab, heal them, count what was lost"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="logpipe", description=__doc__)
    parser.add_argument("--version", action="version", version=f"logpipe {version(DISTRIBUTION)}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_module, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "--version"} or argv[0] not in COMMANDS:
        build_parser().parse_args(argv or ["--help"])
        return 2
    name, rest = argv[0], argv[1:]
    module = importlib.import_module(COMMANDS[name][0])
    parser = argparse.ArgumentParser(prog=f"logpipe {name}", description=COMMANDS[name][1])
    module.add_arguments(parser)
    args = parser.parse_args(rest)
    try:
        return int(module.run(args) or 0)
    except LogpipeError as exc:
        print(f"logpipe {name}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
