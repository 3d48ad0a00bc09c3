"""Every scenario by its id (the numbers of shared/reliability.md; `-control` for negative controls)."""

from __future__ import annotations

from collections.abc import Callable

from logpipe.faults import file_scenarios, scenarios, unclean_control
from logpipe.faults.context import LabContext
from logpipe.faults.measure import ScenarioResult

Scenario = Callable[[LabContext], ScenarioResult]

SCENARIOS: dict[str, Scenario] = {
    "1": scenarios.kill_all_logmasters,
    "2": scenarios.freeze_one_logmaster,
    "3": scenarios.below_min_isr,
    "4": scenarios.kill_partition_leader,
    "5": scenarios.cut_off_partition_leader,
    "5-control": unclean_control.unclean_election_control,
    "6": file_scenarios.inode_reuse,
    "6-control": file_scenarios.inode_reuse_control,
    "7": scenarios.logmasters_down_while_rotating,
    "9": scenarios.kill_filebeat,
    "12": file_scenarios.oversized_line,
}
# Negative controls must show loss; every other scenario must show none.
CONTROLS = frozenset(name for name in SCENARIOS if name.endswith("-control"))
