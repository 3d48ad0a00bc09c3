"""The distribution as users meet it: `logpipe --version`, and a clear error when an optional extra is missing."""

from __future__ import annotations

import sys
from importlib.metadata import version

import pytest

from logpipe import DISTRIBUTION
from logpipe.charts import pyplot
from logpipe.cli import main
from logpipe.errors import LogpipeError


def test_version_prints_the_distribution_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"logpipe {version(DISTRIBUTION)}"


def test_charts_without_matplotlib_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(LogpipeError, match=r"--plot draws with matplotlib.*pip install 'logpipe-platform\[charts\]'"):
        pyplot("--plot")
