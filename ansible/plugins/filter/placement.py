"""Ansible filters `kafka_placement_plan` and `kafka_placement_measures`: thin adapters over logpipe.placement
(the planner lives there)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

from logpipe.errors import LogpipeError
from logpipe.placement import Broker, cluster_from_dict, measure, plan
from logpipe.placement.output import election, reassignment


def kafka_placement_plan(cluster: dict[str, Any], add: list[dict[str, Any]] | None = None,
                         remove: list[int] | None = None, leaders_only: bool = False,
                         disk_limit: float = 0.8) -> dict[str, Any]:
    """A cluster description (docs/placement.md) -> {reassignment, election, lower_bound, moves, notes}:
    Kafka's reassignment JSON (version 1) and election JSON for the chosen scenario."""
    from logpipe.placement import Options

    try:
        current = cluster_from_dict(cluster, source="kafka_placement_plan input")
        brokers = [Broker(int(b["id"]), b.get("rack"), int(b.get("capacity_bytes", 0))) for b in add or []]
        result = plan(current, add=brokers, remove=[int(b) for b in remove or []], leaders_only=leaders_only,
                      options=Options(disk_limit=disk_limit))
    except (LogpipeError, KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"kafka_placement_plan: {exc}") from exc
    return {"reassignment": reassignment(result), "election": election(result), "lower_bound": result.lower_bound,
            "moves": result.moves, "notes": list(result.notes)}


def kafka_placement_measures(cluster: dict[str, Any]) -> dict[str, Any]:
    """A cluster description -> its spreads, max/mean ratios, rack violations and per-broker loads."""
    try:
        return measure(cluster_from_dict(cluster, source="kafka_placement_measures input")).as_dict()
    except LogpipeError as exc:
        raise AnsibleFilterError(f"kafka_placement_measures: {exc}") from exc


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"kafka_placement_plan": kafka_placement_plan, "kafka_placement_measures": kafka_placement_measures}
