"""logpipe's Ansible plugins (ansible/plugins/) as tests use them: the filters as Ansible loads them, and a module
run as Ansible runs it (JSON arguments on stdin) with its module_utils importable, without a playbook."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from collections.abc import Callable

PLUGINS = Path(__file__).resolve().parents[2] / "ansible" / "plugins"

# Ansible ships module_utils inside the module's payload; run directly, the module finds them on this path instead.
_RUN_WITH_MODULE_UTILS = (
    "import runpy, sys, ansible.module_utils as utils; utils.__path__.append(sys.argv[1]); "
    "sys.argv = sys.argv[2:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def load_filters() -> dict[str, Callable[..., Any]]:
    """Every filter of ansible/plugins/filter/filters.py, by name."""
    spec = importlib.util.spec_from_file_location("logpipe_filters_under_test", PLUGINS / "filter" / "filters.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FilterModule().filters()


def module_path(name: str) -> Path:
    return PLUGINS / "modules" / f"{name}.py"


def run_module(name: str, args: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    """The module's result for `args` (which may carry _ansible_check_mode / _ansible_diff)."""
    proc = subprocess.run(
        [sys.executable, "-c", _RUN_WITH_MODULE_UTILS, str(PLUGINS / "module_utils"), str(module_path(name))],
        input=json.dumps({"ANSIBLE_MODULE_ARGS": args}), capture_output=True, text=True, timeout=timeout,
    )
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"{name} printed no result: {proc.stdout[-2000:]}{proc.stderr[-2000:]}") from exc
