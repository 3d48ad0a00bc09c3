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


# Frozen 60 s, not reliability.md's 120 s: what is proven happens within it (Consul's check critical within 15 s,
# HAProxy out of rotation within 17 s, Filebeat's 30 s output timeout and resend); the second minute repeats it.
FROZEN_S = 60


# make faults-long (CI runs it after make test).
def test_2_a_hung_logmaster_leaves_rotation_and_nothing_is_lost(run_scenario):
    result = run_scenario(scenarios.freeze_one_logmaster, frozen_s=FROZEN_S)
    out_s = result.checks["out_of_rotation_s"]
    assert out_s is not None and out_s <= OUT_OF_ROTATION_BUDGET_S, result.checks
    assert_nothing_lost(result, ONE_INTERRUPTION_DUPLICATES)


# The outage that strands rotated files: each rotated file must sit idle past the lab's filebeat_close_inactive
# (60 s) before the heal, so Filebeat closes its blocked reader and only the stranded-file check can resume it.
# Rotations are spaced down_s / (rotations + 1) apart, so the last one idles (down_s / 4) + 10 s before the heal:
# 5 min gives every file 85 s or more past its last write, the same mechanism as reliability.md's 10 min.
ROTATIONS = 3
CLOSE_INACTIVE_S = 60
DOWN_S = (ROTATIONS + 1) * (CLOSE_INACTIVE_S + 15)


def test_7_logmasters_down_through_three_rotations_loses_nothing(run_scenario):
    result = run_scenario(scenarios.logmasters_down_while_rotating, down_s=DOWN_S, rotations=ROTATIONS)
    assert result.checks["rotations"] == ROTATIONS, result.checks
    assert_nothing_lost(result, ONE_INTERRUPTION_DUPLICATES)
