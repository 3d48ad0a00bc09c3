"""Scenarios 6, 9 and 12 of shared/reliability.md (inode reuse, Filebeat killed, one oversized line), and the
negative control of 6 that must show loss."""

from __future__ import annotations

import pytest

from logpipe.faults import file_scenarios, scenarios
from tests.faults.budgets import IN_FLIGHT_EVENTS, assert_nothing_lost

pytestmark = [pytest.mark.faults, pytest.mark.lab]

# Nothing is interrupted in 6 and 12: the old file was fully shipped before it was deleted, so no resend.
NO_INTERRUPTION_DUPLICATES = 0
# A killed Filebeat resends what its registry (flushed every second) had not recorded: at most its queue.
FILEBEAT_KILL_DUPLICATES = IN_FLIGHT_EVENTS


# Not quick: the managed Filebeat releases the shipped file only after close.on_state_change.inactive
# (1 min in the lab).
def test_6_inode_reuse_keeps_the_first_line_of_the_new_file(run_scenario):
    result = run_scenario(file_scenarios.inode_reuse, first_lines=200, new_lines=1000)
    assert result.checks["first_new_line_intact"], result.checks
    assert_nothing_lost(result, NO_INTERRUPTION_DUPLICATES)


@pytest.mark.faults_quick
def test_6_control_native_file_identity_loses_the_first_lines(run_scenario):
    result = run_scenario(file_scenarios.inode_reuse_control, first_lines=200, new_lines=1000)
    assert result.lost > 0, f"the control must show loss, or the apparatus cannot see it: {result}"


@pytest.mark.faults_quick
def test_9_filebeat_killed_mid_stream_loses_nothing(run_scenario):
    result = run_scenario(scenarios.kill_filebeat)
    assert_nothing_lost(result, FILEBEAT_KILL_DUPLICATES)


@pytest.mark.faults_quick
def test_12_a_2_mb_line_is_never_silently_gone(run_scenario):
    result = run_scenario(file_scenarios.oversized_line, line_bytes=2 * 1024 * 1024)
    assert result.checks["oversized_line"] != "missing", result.checks
    assert_nothing_lost(result, NO_INTERRUPTION_DUPLICATES)
