"""Every logpipe Ansible filter: thin adapters over the logpipe package, where the rules and their tests live.

    consul_retry_join: "{{ groups['consul_servers'] | host_addresses(hostvars) }}"
    loop: "{{ kafka_topics | kafka_retention_topics(kafka_topic_classes, kafka_retention_brokers) }}"

Inventory topics declare their class, never raw retention numbers (docs/retention.md):

    kafka_topic_classes: {system: {age: 30d, priority: 1}, access: {age: 7d, priority: 2}}
    kafka_topics:
      - {name: access, class: access, partitions: 12, replication_factor: 3, ingest: 20MiB/s, compression_ratio: 4,
         config: {min.insync.replicas: 2}}
    kafka_retention_brokers: [{id: 1, disks: [{path: /var/lib/kafka/data, capacity: 2TiB}]}, ...]

A LogpipeError fails the task as "FILTER: message" (module_utils/logpipe_adapter.py).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

from ansible.errors import AnsibleFilterError

from logpipe.errors import LogpipeError
from logpipe.filebeat.durations import duration_seconds
from logpipe.inventory.addresses import host_addresses as _host_addresses
from logpipe.kafka import cluster
from logpipe.kafka.properties import render_properties
from logpipe.placement import Broker, Options, cluster_from_dict, measure, plan
from logpipe.placement.output import election, reassignment
from logpipe.retention.topics import retention_topic_configs
from logpipe.sizing import broker_settings, hardware_from_dict, settings_as_filter_dict


def _load_adapter() -> ModuleType:
    # Filters run in the controller process, where `ansible.module_utils.<custom>` does not resolve outside a
    # collection (decision 0004); the shared file is loaded from its place beside this one.
    path = Path(__file__).resolve().parents[1] / "module_utils" / "logpipe_adapter.py"
    spec = importlib.util.spec_from_file_location("logpipe_ansible_adapter", path)
    if spec is None or spec.loader is None:
        raise AnsibleFilterError(f"logpipe filters: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_adapter = _load_adapter()


def _filter_error(message: str) -> NoReturn:
    raise AnsibleFilterError(message)


def _adapt(name: str, func: Callable[..., Any], *also: type[Exception]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with _adapter.logpipe_errors(name, _filter_error, *also):
            return func(*args, **kwargs)

    wrapped.__name__ = name
    wrapped.__doc__ = func.__doc__
    return wrapped


def host_addresses(names: Any, hostvars: Any) -> list[str]:
    """Each host's private_ip, else its gathered default IPv4 address, else its inventory name."""
    return _host_addresses(list(names), {name: hostvars[name] for name in names if name in hostvars})


def kafka_placement_plan(current: dict[str, Any], add: list[dict[str, Any]] | None = None,
                         remove: list[int] | None = None, leaders_only: bool = False,
                         disk_limit: float = 0.8) -> dict[str, Any]:
    """A cluster description (docs/placement.md) -> {reassignment, election, lower_bound, moves, notes}:
    Kafka's reassignment JSON (version 1) and election JSON for the chosen scenario."""
    brokers = [Broker(int(b["id"]), b.get("rack"), int(b.get("capacity_bytes", 0))) for b in add or []]
    result = plan(cluster_from_dict(current, source="kafka_placement_plan input"), add=brokers,
                  remove=[int(b) for b in remove or []], leaders_only=leaders_only,
                  options=Options(disk_limit=disk_limit))
    return {"reassignment": reassignment(result), "election": election(result), "lower_bound": result.lower_bound,
            "moves": result.moves, "notes": list(result.notes)}


def kafka_placement_measures(current: dict[str, Any]) -> dict[str, Any]:
    """A cluster description -> its spreads, max/mean ratios, rack violations and per-broker loads."""
    return measure(cluster_from_dict(current, source="kafka_placement_measures input")).as_dict()


def kafka_retention_topics(topics: Any, *classes_brokers_settings_placement: Any) -> list[dict[str, Any]]:
    """topics | kafka_retention_topics(classes, brokers[, settings[, placement]]): one kafka_topic config per
    topic ({name, partitions, replication_factor, config: {str: str}}) with retention and segment settings that
    cannot fill the disks; a budget that does not fit fails the play."""
    return retention_topic_configs(topics, *classes_brokers_settings_placement)


def kafka_broker_sizing(facts: dict[str, Any]) -> dict[str, int | str]:
    """{vcpus, memory_mib, data_dirs, storage} -> {num.io.threads, num.network.threads, num.replica.fetchers,
    log.dirs, heap_mb}."""
    return settings_as_filter_dict(broker_settings(hardware_from_dict(facts)))


def kafka_quorum_voters(nodes: list[Mapping[str, Any]], port: Any) -> str:
    """The controllers' published kafka_self facts -> controller.quorum.voters."""
    if any(not isinstance(n, Mapping) for n in nodes):
        raise LogpipeError("a controller host has not published its node id and address (kafka_self); run the "
                           "kafka role on every host of kafka_brokers and kafka_controllers together (no --limit)")
    return cluster.quorum_voters(nodes, int(port))


def kafka_process_roles(is_broker: bool, is_controller: bool) -> str:
    """Group membership -> process.roles."""
    return cluster.process_roles(bool(is_broker), bool(is_controller))


def filebeat_duration_seconds(value: Any, field: str = "duration") -> float:
    """A Filebeat duration (10s, 5m, a bare number of seconds) -> seconds; errors name `field`."""
    return duration_seconds(value, field)


class FilterModule:
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "host_addresses": _adapt("host_addresses", host_addresses),
            "kafka_placement_plan": _adapt("kafka_placement_plan", kafka_placement_plan,
                                           KeyError, TypeError, ValueError),
            "kafka_placement_measures": _adapt("kafka_placement_measures", kafka_placement_measures),
            "kafka_retention_topics": _adapt("kafka_retention_topics", kafka_retention_topics),
            "kafka_broker_sizing": _adapt("kafka_broker_sizing", kafka_broker_sizing),
            "kafka_cluster_id": _adapt("kafka_cluster_id", cluster.cluster_id_from_name),
            "kafka_properties": _adapt("kafka_properties", render_properties),
            "kafka_quorum_voters": _adapt("kafka_quorum_voters", kafka_quorum_voters),
            "kafka_process_roles": _adapt("kafka_process_roles", kafka_process_roles),
            "filebeat_duration_seconds": _adapt("filebeat_duration_seconds", filebeat_duration_seconds),
        }
