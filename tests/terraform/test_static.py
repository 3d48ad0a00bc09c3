"""fmt, validate and `terraform test` (mock_provider) on every module and root."""

from __future__ import annotations

from pathlib import Path

import pytest

from logpipe.terraform.runner import terraform
from logpipe.terraform.lint import copy_without_state, validate_all

TERRAFORM_DIR = Path(__file__).resolve().parents[2] / "terraform"
MODULES = sorted(p.name for p in (TERRAFORM_DIR / "modules").iterdir() if (p / "main.tf").is_file())
ROOTS = sorted(p.name for p in (TERRAFORM_DIR / "regions").iterdir() if (p / "main.tf").is_file())
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory, tf_suite) -> Path:  # tf_suite: start the lifecycles first
    return copy_without_state(TERRAFORM_DIR, tmp_path_factory.mktemp("static") / "terraform")


def test_layout_every_module_has_its_files() -> None:
    assert set(MODULES) == {"network", "security", "kafka_cluster", "node_group", "region"}
    for module in MODULES:
        missing = [f for f in MODULE_FILES if not (TERRAFORM_DIR / "modules" / module / f).is_file()]
        assert not missing, f"modules/{module} lacks {missing}"
    assert {"lab", "us-east-1", "eu-west-1"} <= set(ROOTS)


def test_fmt_check(tree: Path, tf_env) -> None:
    run = terraform(tree, ["fmt", "-check", "-recursive", "-diff", "-no-color"], tf_env, check=False)
    assert run.returncode == 0, f"terraform fmt -check found unformatted files:\n{run.stdout}"


def test_validate_every_module_and_root(tree: Path, tf_env) -> None:
    """The same check as `make lint` (logpipe.terraform.lint), on this run's copy of the tree."""
    results = validate_all(tree, tf_env)
    failed = [f"{r.directory}: {r.output}" for r in results if not r.ok]
    assert not failed, "\n".join(failed)
    assert len(results) == len(MODULES) + len(ROOTS)


def test_roots_commit_their_lock_files() -> None:
    """Checked against the mirror's hashes by the read-only init in test_validate_every_module_and_root."""
    missing = [r for r in ROOTS if not (TERRAFORM_DIR / "regions" / r / ".terraform.lock.hcl").is_file()]
    assert not missing, f"roots without a committed .terraform.lock.hcl: {missing}"


@pytest.mark.parametrize("module", [m for m in MODULES if (TERRAFORM_DIR / "modules" / m / "tests").is_dir()])
def test_module_terraform_test(tree: Path, tf_env, module: str) -> None:
    directory = tree / "modules" / module
    terraform(directory, ["init", "-backend=false", "-input=false", "-no-color"], tf_env)
    run = terraform(directory, ["test", "-no-color"], tf_env, check=False)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert " 0 failed" in run.stdout and "Success!" in run.stdout
