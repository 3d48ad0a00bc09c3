"""Filters of the filebeat role: thin adapters over logpipe (the rules and their tests live there)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

from logpipe.errors import LogpipeError
from logpipe.filebeat.durations import duration_seconds


def filebeat_duration_seconds(value: Any, field: str = "duration") -> float:
    try:
        return duration_seconds(value, field)
    except LogpipeError as exc:
        raise AnsibleFilterError(f"filebeat_duration_seconds: {exc}") from exc


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"filebeat_duration_seconds": filebeat_duration_seconds}
