"""Fault suite plumbing: a `run_scenario` fixture that runs one scenario against the lab (the session's lab
fixture, from tests/conftest.py) and keeps its result, and a terminal summary that prints every scenario's lost /
duplicates / recovery."""

from __future__ import annotations

import pytest

from logpipe.faults.context import LabContext
from logpipe.faults.measure import ScenarioResult, format_summary

RESULTS = pytest.StashKey[list[ScenarioResult]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RESULTS] = []


@pytest.fixture(scope="session")
def lab_context(lab) -> LabContext:
    return LabContext.from_state(lab)


@pytest.fixture
def run_scenario(lab_context, pytestconfig):
    """run_scenario(fn, **params) → its ScenarioResult, also printed at the end of the session."""

    def run(scenario, **params) -> ScenarioResult:
        result = scenario(lab_context, **params)
        pytestconfig.stash[RESULTS].append(result)
        print(format_summary([result]), result.checks)
        return result

    return run


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    results = config.stash.get(RESULTS, [])
    if results:
        terminalreporter.section("fault scenarios: lost / duplicates / recovery")
        terminalreporter.write_line(format_summary(results))
        for result in results:
            if result.checks:
                terminalreporter.write_line(f"{result.scenario}: {result.checks}")
