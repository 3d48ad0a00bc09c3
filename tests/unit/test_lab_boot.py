"""How `logpipe lab up` judges a booting host (tooling/logpipe/lab/hosts.py)."""

import pytest

from logpipe.lab.hosts import boot_verdict


@pytest.mark.parametrize("state", ["running", "degraded"])
def test_a_running_container_whose_systemd_is_up_has_booted(state):
    assert boot_verdict("running", state) == "booted"


@pytest.mark.parametrize("state", ["initializing", "starting", "unreachable", "maintenance"])
def test_a_running_container_still_starting_units_is_waited_for(state):
    assert boot_verdict("running", state) == "waiting"


@pytest.mark.parametrize("status", ["exited", "stopped", "missing"])
def test_a_container_whose_pid1_is_gone_is_not_waited_for(status):
    # systemctl cannot answer in a dead container, so the verdict must not depend on the state it reported
    assert boot_verdict(status, "unreachable") == "exited"


def test_a_container_still_being_created_is_waited_for():
    assert boot_verdict("created", "unreachable") == "waiting"
