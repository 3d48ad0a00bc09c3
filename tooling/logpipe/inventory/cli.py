"""`logpipe inventory from-terraform --root terraform/regions/R [--output FILE]`."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from logpipe.errors import LogpipeError
from logpipe.inventory.model import inventory_from_outputs, render_inventory_yaml


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    ft = sub.add_parser("from-terraform", help="write the Ansible inventory from an applied root's outputs",
                        description="Reads `terraform output -json` of ROOT (its ansible_inventory output) and "
                                    "writes an Ansible YAML inventory with the groups kafka_brokers, "
                                    "kafka_controllers, logmasters, consul_servers and producers.")
    ft.add_argument("--root", type=Path, required=True, help="Terraform root, such as terraform/regions/eu-west-1")
    ft.add_argument("--output", type=Path, help="write here instead of standard output")
    ft.add_argument("--outputs-json", type=Path, metavar="FILE",
                    help="read a saved `terraform output -json` instead of running terraform in ROOT")


def run(args: argparse.Namespace) -> int:
    if args.outputs_json:
        try:
            outputs = json.loads(args.outputs_json.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise LogpipeError(f"--outputs-json {args.outputs_json}: {exc}") from exc
        source = str(args.outputs_json)
    else:
        from logpipe.terraform.runner import output_json

        outputs = output_json(args.root, dict(os.environ))
        source = str(args.root)
    text = render_inventory_yaml(inventory_from_outputs(outputs), source)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
        print(args.output)
    else:
        print(text, end="")
    return 0
