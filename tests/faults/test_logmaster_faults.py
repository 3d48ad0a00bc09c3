"""Scenarios 1, 2 and 7 of shared/reliability.md: logmasters killed, hung, and down through log rotations."""

from __future__ import annotations

import pytest

from logpipe.faults import scenarios
from tests.faults.budgets import IN_FLIGHT_EVENTS, assert_nothing_lost

pytestmark = [pytest.mark.faults, pytest.mark.lab]

# One interruption: Filebeat resends its un-ACKed queue once the logmasters answer again.
ONE_INTERRUPTION_DUPLICATES = IN_FLIGHT_EVENTS
# Consul marks a hung logmaster critical within 15 s (reliability.md); HAProxy follows Consul DNS within its
# resolver hold (1 s) and retry timeout (1 s).
OUT_OF_ROTATION_BUDGET_S = 17


@pytest.mark.faults_quick
def test_1_every_logmaster_killed_for_30s_loses_nothing(run_scenario):
    result = run_scenario(scenarios.kill_all_logmasters, lines=100_000, down_s=30)
    assert_nothing_lost(result, ONE_INTERRUPTION_DUPLICATES)
    # Filebeat's offsets advance only on ACK: with no logmaster alive nothing may be ACKed.
    assert result.checks["filebeat_acked_while_down"] == 0, result.checks


# Not in make test (2 min 40 s; make test keeps a margin under 45 min): make faults-long, which CI also runs.
def test_2_a_hung_logmaster_leaves_rotation_and_nothing_is_lost(run_scenario):
    result = run_scenario(scenarios.freeze_one_logmaster, frozen_s=120)
    out_s = result.checks["out_of_rotation_s"]
    assert out_s is not None and out_s <= OUT_OF_ROTATION_BUDGET_S, result.checks
    assert_nothing_lost(result, ONE_INTERRUPTION_DUPLICATES)


def test_7_logmasters_down_10_min_through_three_rotations_loses_nothing(run_scenario):
    result = run_scenario(scenarios.logmasters_down_while_rotating, down_s=600, rotations=3)
    assert result.checks["rotations"] == 3, result.checks
    assert_nothing_lost(result, ONE_INTERRUPTION_DUPLICATES)
