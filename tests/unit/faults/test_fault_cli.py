from __future__ import annotations

from logpipe.cli import main
from logpipe.faults.catalog import CONTROLS, SCENARIOS


def test_every_reliability_scenario_of_the_issue_has_an_entry_and_controls_are_named():
    assert set(SCENARIOS) == {"1", "2", "3", "4", "5", "5-control", "6", "6-control", "7", "9", "12"}
    assert set(CONTROLS) == {"5-control", "6-control"}


def test_unknown_scenario_is_refused_before_touching_the_lab(capsys):
    assert main(["faults", "run", "99"]) == 2
    assert "unknown scenario(s) ['99']" in capsys.readouterr().err


def test_list_names_every_scenario(capsys):
    assert main(["faults", "list"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(SCENARIOS)
