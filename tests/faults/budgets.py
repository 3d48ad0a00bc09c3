"""Duplicate budgets of the fault suite. At-least-once means an interrupted hop resends what was not yet ACKed:
at most Filebeat's whole memory queue (it ACKs its inputs only after the output ACKs) per interruption."""

from __future__ import annotations

import yaml

from tests.support.lab_fixture import REPO


def filebeat_in_flight_events() -> int:
    """The most events Filebeat can have un-ACKed: its memory queue (`filebeat_queue_mem_events`), read from the
    lab inventory if it overrides the role default."""
    group_vars = yaml.safe_load((REPO / "inventories/lab/group_vars/all.yml").read_text())
    defaults = yaml.safe_load((REPO / "roles/filebeat/defaults/main.yml").read_text())
    return int(group_vars.get("filebeat_queue_mem_events", defaults["filebeat_queue_mem_events"]))


IN_FLIGHT_EVENTS = filebeat_in_flight_events()


def assert_nothing_lost(result, duplicate_budget: int) -> None:
    """At-least-once: every line arrived, and no more duplicates than the interruptions can explain."""
    assert result.lost == 0, result
    assert result.duplicated <= duplicate_budget, result
