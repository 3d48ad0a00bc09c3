"""Filters of the kafka role: thin adapters over logpipe.kafka (the rules and their tests live there)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ansible.errors import AnsibleFilterError

from logpipe.errors import LogpipeError
from logpipe.kafka import cluster
from logpipe.kafka.properties import render_properties


def _adapt(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LogpipeError as exc:
            raise AnsibleFilterError(f"{name}: {exc}") from exc

    wrapped.__name__ = name
    return wrapped


def kafka_quorum_voters(nodes: list[Mapping[str, Any]], port: Any) -> str:
    if any(not isinstance(n, Mapping) for n in nodes):
        raise LogpipeError("a controller host has not published its node id and address (kafka_self); run the "
                           "kafka role on every host of kafka_brokers and kafka_controllers together (no --limit)")
    return cluster.quorum_voters(nodes, int(port))


def kafka_process_roles(is_broker: bool, is_controller: bool) -> str:
    return cluster.process_roles(bool(is_broker), bool(is_controller))


class FilterModule:
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "kafka_cluster_id": _adapt("kafka_cluster_id", cluster.cluster_id_from_name),
            "kafka_properties": _adapt("kafka_properties", render_properties),
            "kafka_quorum_voters": _adapt("kafka_quorum_voters", kafka_quorum_voters),
            "kafka_process_roles": _adapt("kafka_process_roles", kafka_process_roles),
        }
