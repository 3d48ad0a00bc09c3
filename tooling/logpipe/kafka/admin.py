"""The small adapter between the pure topic and health logic and kafka-python's admin client.

It only reads cluster state into the dataclasses of `topics`/`health` and carries out a `TopicPlan`;
every decision is made by the pure functions. Errors from Kafka come back as LogpipeError naming the topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from logpipe.errors import LogpipeError
from logpipe.kafka.health import Snapshot, snapshot_from_responses
from logpipe.kafka.topics import TopicPlan, TopicState

TOPIC_OVERRIDE_SOURCE = "DYNAMIC_TOPIC_CONFIG"
UNKNOWN_TOPIC_ERROR = 3  # UNKNOWN_TOPIC_OR_PARTITION


def bootstrap_list(servers: str | Sequence[str]) -> list[str]:
    """`host:port` strings from a comma-separated string or a list; raises LogpipeError when empty."""
    items = servers.split(",") if isinstance(servers, str) else list(servers)
    out = [str(s).strip() for s in items if str(s).strip()]
    if not out:
        raise LogpipeError("bootstrap_servers is empty; give at least one broker as host:port")
    for server in out:
        host, _, port = server.rpartition(":")
        if not host or not port.isdigit():
            raise LogpipeError(f"bootstrap_servers entry {server!r} is not host:port")
    return out


def connect(bootstrap_servers: str | Sequence[str], timeout_s: float = 30.0, client_id: str = "logpipe-admin",
            client_factory: Callable[..., Any] | None = None) -> Any:
    """A kafka-python KafkaAdminClient (the one way logpipe opens one); LogpipeError naming the servers when none
    answers. `client_id` names the caller in the brokers' logs and quotas."""
    servers = bootstrap_list(bootstrap_servers)
    if client_factory is None:
        from kafka.admin import KafkaAdminClient

        client_factory = KafkaAdminClient
    timeout_ms = int(timeout_s * 1000)
    try:
        return client_factory(bootstrap_servers=servers, client_id=client_id, request_timeout_ms=timeout_ms,
                              bootstrap_timeout_ms=timeout_ms)
    except Exception as exc:  # kafka-python raises several unrelated types for "no broker answered"
        raise LogpipeError(f"cannot reach Kafka at {','.join(servers)}: {type(exc).__name__}: {exc}") from exc


def kafka_reason(exc: Exception) -> str:
    """The broker's own error message when the exception carries a whole response, else the exception."""
    found = re.search(r"error_message='([^']+)'", str(exc))
    return f"{type(exc).__name__}: {found.group(1) if found else exc}"


class TopicAdmin:
    """Reads one topic's state and carries out plans, over an open admin client."""

    def __init__(self, client: Any, timeout_s: float = 30.0) -> None:
        self.client = client
        self.timeout_ms = int(timeout_s * 1000)

    def broker_count(self) -> int:
        return len([b for b in self.client.describe_cluster().get("brokers", []) if not b.get("is_fenced")])

    def describe(self, name: str) -> TopicState | None:
        from kafka.admin import ConfigResource, ConfigResourceType

        topics = self.client.describe_topics([name])
        topic = next((t for t in topics if t.get("name") == name), None)
        if topic is None or topic.get("error_code") == UNKNOWN_TOPIC_ERROR:
            return None
        if topic.get("error_code"):
            raise LogpipeError(f"topic '{name}': describing it failed with Kafka error code {topic['error_code']}")
        partitions = topic.get("partitions") or []
        rf = max((len(p.get("replica_nodes") or ()) for p in partitions), default=0)
        configs = self.client.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)],
                                               config_filter="modified")
        entries = configs.get("topic", {}).get(name, {})
        overrides = {key: str(entry["value"]) for key, entry in sorted(entries.items())
                     if entry.get("config_source") == TOPIC_OVERRIDE_SOURCE and entry.get("value") is not None}
        return TopicState(name=name, partitions=len(partitions), replication_factor=rf, config=overrides)

    def apply(self, plan: TopicPlan, validate_only: bool = False) -> None:
        """Carry out `plan` (with `validate_only`, ask the brokers to check it and change nothing)."""
        if not plan.changed:
            return
        try:
            self._apply(plan, validate_only)
        except LogpipeError:
            raise
        except Exception as exc:
            raise LogpipeError(f"topic '{plan.name}': Kafka refused the change: {kafka_reason(exc)}") from exc

    def _apply(self, plan: TopicPlan, validate_only: bool) -> None:
        from kafka.admin import AlterConfigOp, ConfigResource, ConfigResourceType

        if plan.delete:
            if not validate_only:
                self.client.delete_topics([plan.name], timeout_ms=self.timeout_ms)
            return
        if plan.create is not None:
            spec = plan.create
            self.client.create_topics(
                {spec.name: {"num_partitions": spec.partitions, "replication_factor": spec.replication_factor,
                             "configs": dict(spec.config)}},
                timeout_ms=self.timeout_ms, validate_only=validate_only, wait_for_metadata=not validate_only)
            return
        if plan.grow_partitions:
            self.client.create_partitions({plan.name: plan.grow_partitions[1]}, timeout_ms=self.timeout_ms,
                                          validate_only=validate_only)
        if plan.config_changes:
            ops: dict[str, Any] = {key: (AlterConfigOp.SET, value) for key, value in plan.config_to_set().items()}
            ops.update({key: (AlterConfigOp.DELETE, None) for key in plan.config_to_delete()})
            result = self.client.alter_configs([ConfigResource(ConfigResourceType.TOPIC, plan.name, ops)],
                                               validate_only=validate_only, incremental=True)
            outcome = result.get("topic", {}).get(plan.name)
            if outcome != "OK":
                raise LogpipeError(f"topic '{plan.name}': setting config {sorted(ops)} failed: {outcome}")


def read_snapshot(client: Any, with_quorum: bool = True) -> Snapshot:
    """Brokers (with fenced ones), every topic's partitions and, if asked, the KRaft quorum state."""
    cluster = client.describe_cluster()
    topics = client.describe_topics()
    quorum = client.describe_metadata_quorum() if with_quorum else None
    return snapshot_from_responses(cluster, topics, quorum)
