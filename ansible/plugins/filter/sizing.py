"""Ansible filter `kafka_broker_sizing`: a thin adapter over logpipe.sizing (the rule lives there)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

from logpipe.errors import LogpipeError
from logpipe.sizing import broker_settings, hardware_from_dict, settings_as_filter_dict


def kafka_broker_sizing(facts: dict[str, Any]) -> dict[str, int | str]:
    """{vcpus, memory_mib, data_dirs, storage} -> {num.io.threads, num.network.threads, num.replica.fetchers,
    log.dirs, heap_mb}."""
    try:
        return settings_as_filter_dict(broker_settings(hardware_from_dict(facts)))
    except LogpipeError as exc:
        raise AnsibleFilterError(f"kafka_broker_sizing: {exc}") from exc


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"kafka_broker_sizing": kafka_broker_sizing}
