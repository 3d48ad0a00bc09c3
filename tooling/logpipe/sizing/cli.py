"""`logpipe sizing`: print the broker settings for given hardware facts, as properties or JSON."""

from __future__ import annotations

import argparse
import json

from logpipe.sizing.broker import STORAGE_KINDS, BrokerHardware, as_server_properties, broker_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vcpus", type=int, required=True, help="vCPUs of the broker's instance type")
    parser.add_argument("--memory-mib", type=int, required=True, help="memory of the instance type in MiB")
    parser.add_argument("--data-dir", action="append", required=True, dest="data_dirs", metavar="MOUNT",
                        help="a data disk's mount point; repeat once per disk")
    parser.add_argument("--storage", choices=STORAGE_KINDS, default="ebs",
                        help="instance: local instance-store disks (d2/d3/d3en/i3en/i4i); ebs: EBS volumes")
    parser.add_argument("--json", action="store_true", help="print JSON including heap_mb instead of properties")


def run(args: argparse.Namespace) -> int:
    hw = BrokerHardware(vcpus=args.vcpus, memory_mib=args.memory_mib, data_dirs=list(args.data_dirs),
                        storage=args.storage)
    settings = broker_settings(hw)
    if args.json:
        print(json.dumps({**as_server_properties(settings), "heap_mb": settings.heap_mb}, indent=2, sort_keys=True))
    else:
        for key, value in sorted(as_server_properties(settings).items()):
            print(f"{key}={value}")
        print(f"# KAFKA_HEAP_OPTS=-Xms{settings.heap_mb}m -Xmx{settings.heap_mb}m")
    return 0
