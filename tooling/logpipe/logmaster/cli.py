"""`logpipe logmaster`: run the logmaster (Beats in, Kafka out) or check its configuration.

  logpipe logmaster run --config /etc/logmaster/logmaster.yml
  logpipe logmaster check --config FILE      validate config + routing table, print the topics (for `validate:`)
"""

from __future__ import annotations

import argparse
import json
import logging

from logpipe.logmaster.config import load_config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("action", choices=("run", "check"), help="run the service, or only validate the config")
    parser.add_argument("--config", required=True, help="the logmaster YAML config (schema: docs/logmaster.md)")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    table = config.routing_table()
    if args.action == "check":
        print(json.dumps({"config": str(args.config), "routing_table": str(config.routing_table_path),
                          "topics": list(table.topics()), "dead_letter_topic": table.dead_letter_topic,
                          "rules": [r.name for r in table.rules]}, indent=2))
        return 0
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from logpipe.logmaster.service import run_service

    return run_service(config)
