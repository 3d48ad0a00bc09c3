"""Ansible filter `kafka_retention_topics`: a thin adapter over logpipe.retention (the rules live there).

Inventory topics declare their class, never raw retention numbers:

    kafka_topic_classes: {system: {age: 30d, priority: 1}, access: {age: 7d, priority: 2}}
    kafka_topics:
      - {name: access, class: access, partitions: 12, replication_factor: 3, ingest: 20MiB/s, compression_ratio: 4,
         config: {min.insync.replicas: 2}}
    kafka_retention_brokers: [{id: 1, disks: [{path: /var/lib/kafka/data, capacity: 2TiB}]}, ...]

    loop: "{{ kafka_topics | kafka_retention_topics(kafka_topic_classes, kafka_retention_brokers) }}"

gives one `kafka_topic` config per topic: {name, partitions, replication_factor, config: {str: str}}, with the
retention and segment settings computed so the disks cannot fill; a budget that does not fit fails the play.
"""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

from logpipe.errors import LogpipeError
from logpipe.retention.topics import retention_topic_configs


def kafka_retention_topics(topics: Any, *classes_brokers_settings_placement: Any) -> list[dict[str, Any]]:
    """topics | kafka_retention_topics(classes, brokers[, settings[, placement]]): logpipe.retention.topics."""
    try:
        return retention_topic_configs(topics, *classes_brokers_settings_placement)
    except LogpipeError as exc:
        raise AnsibleFilterError(f"kafka_retention_topics: {exc}") from exc


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"kafka_retention_topics": kafka_retention_topics}
