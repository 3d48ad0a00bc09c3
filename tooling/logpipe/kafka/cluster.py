"""KRaft cluster identity and quorum: cluster id from a name, node roles, the static voter list.

Pure functions; the kafka role reaches them through its filter plugin (roles/kafka/filter_plugins/kafka.py).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from logpipe.errors import LogpipeError

# A fixed namespace so that a cluster name always maps to the same cluster id, on any controller.
CLUSTER_ID_NAMESPACE = uuid.UUID("0b6f3c2e-5a4d-4d7e-9c1a-6c6f67706970")
COMBINED = "combined"
DEDICATED = "dedicated"
CONTROLLER_MODES = (COMBINED, DEDICATED)
# Quorum sizes that tolerate 0, 1 and 2 failed controllers; an even size adds no tolerance.
QUORUM_SIZES = (1, 3, 5)


def _kafka_uuid_text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cluster_id_from_name(name: str) -> str:
    """The KRaft cluster id (Kafka's 22-character URL-safe base64 Uuid) for a cluster name: the same name gives
    the same id everywhere, so every broker is formatted alike without storing a generated id.

    Like Kafka's Uuid.randomUuid, never returns an id starting with '-' (the storage tool would read it as an
    option) nor one of Kafka's reserved ids (all zero, or the metadata topic's 0...01)."""
    if not isinstance(name, str) or not name.strip():
        raise LogpipeError(f"kafka_cluster_name must be a non-empty string, got {name!r}")
    attempt = 0
    while True:
        raw = uuid.uuid5(CLUSTER_ID_NAMESPACE, name if attempt == 0 else f"{name}#{attempt}").bytes
        text = _kafka_uuid_text(raw)
        if not text.startswith("-") and int.from_bytes(raw, "big") > 1:
            return text
        attempt += 1


def validate_cluster_id(cluster_id: str) -> str:
    """Raise LogpipeError unless `cluster_id` is a Kafka Uuid in its text form."""
    if not isinstance(cluster_id, str) or len(cluster_id) != 22 or cluster_id.startswith("-"):
        raise LogpipeError(f"kafka_cluster_id {cluster_id!r} is not a Kafka cluster id: 22 characters of URL-safe "
                           "base64, not starting with '-' (derive one from kafka_cluster_name, or run "
                           "`kafka-storage random-uuid`)")
    try:
        raw = base64.urlsafe_b64decode(cluster_id + "==")
    except ValueError as exc:
        raise LogpipeError(f"kafka_cluster_id {cluster_id!r} is not URL-safe base64: {exc}") from exc
    if len(raw) != 16 or int.from_bytes(raw, "big") <= 1:
        raise LogpipeError(f"kafka_cluster_id {cluster_id!r} does not decode to a usable 16-byte Uuid")
    return cluster_id


@dataclass(frozen=True)
class QuorumNode:
    node_id: int
    host: str


def process_roles(is_broker: bool, is_controller: bool) -> str:
    """server.properties `process.roles` for a host from its group membership."""
    roles = [name for name, on in (("broker", is_broker), ("controller", is_controller)) if on]
    if not roles:
        raise LogpipeError("a kafka host must be a broker, a controller or both: put it in kafka_brokers "
                           "and/or kafka_controllers")
    return ",".join(roles)


def _node(entry: Mapping[str, Any]) -> QuorumNode:
    if not isinstance(entry, Mapping):
        raise LogpipeError(f"a quorum node must be a mapping with id and host, got {entry!r}")
    node_id, host = entry.get("id"), entry.get("host")
    if isinstance(node_id, str) and node_id.isdigit():
        node_id = int(node_id)
    if isinstance(node_id, bool) or not isinstance(node_id, int) or node_id < 0:
        raise LogpipeError(f"quorum node {entry!r}: id (kafka_node_id) must be a whole number >= 0")
    if not isinstance(host, str) or not host or any(c in host for c in ",@ "):
        raise LogpipeError(f"quorum node {node_id}: host {host!r} must be a host name or IP address")
    return QuorumNode(node_id, host)


def quorum_voters(nodes: Iterable[Mapping[str, Any]], port: int) -> str:
    """`controller.quorum.voters` (`id@host:port,...`, sorted by id) for the controller nodes.

    Raises LogpipeError for duplicate ids or a quorum size that is not 1, 3 or 5."""
    parsed = sorted((_node(n) for n in nodes), key=lambda n: n.node_id)
    ids = [n.node_id for n in parsed]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise LogpipeError(f"controller quorum has duplicate node ids {duplicates}; give every Kafka host its own "
                           "kafka_node_id (kafka_broker_id)")
    if len(parsed) not in QUORUM_SIZES:
        raise LogpipeError(f"controller quorum has {len(parsed)} nodes ({ids}); use 1, 3 or 5 controllers: with "
                           "more brokers than that set kafka_controller_mode: dedicated and list 3 or 5 hosts in "
                           "kafka_controllers")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise LogpipeError(f"kafka_controller_port must be a TCP port, got {port!r}")
    return ",".join(f"{n.node_id}@{n.host}:{port}" for n in parsed)
