"""The Terraform gates of `make lint` (scripts/lint.sh): `terraform validate` of every module and root, offline
against the provider mirror of `logpipe terraform-config`, and tflint with the repository's `.tflint.hcl`.

  python -m logpipe.terraform.lint validate   init -backend=false + validate each directory, in a scratch copy
  python -m logpipe.terraform.lint tflint     tflint --recursive over terraform/ (built into the cache once)

Exit 0 when clean, 1 on a finding, 2 when the gate cannot run (no terraform, no mirror, no Go toolchain).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from logpipe.errors import LogpipeError
from logpipe.paths import REPO_ROOT

TERRAFORM_DIR = REPO_ROOT / "terraform"
TFLINT_CONFIG = REPO_ROOT / ".tflint.hcl"
# Each validate starts the aws provider to read its schema; two at a time suits a 2-core machine.
WORKERS = 2


def terraform_dirs(tree: Path) -> list[Path]:
    """Every module (terraform/modules/*) and root (terraform/regions/*) of `tree`, modules first."""
    return [d for group in ("modules", "regions") for d in sorted((tree / group).iterdir())
            if (d / "main.tf").is_file()]


def copy_without_state(source: Path, dest: Path) -> Path:
    """`source` copied to `dest` without Terraform working state (.terraform, state files, plans)."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "*.tfplan"))
    return dest


@dataclass(frozen=True)
class Validation:
    directory: Path
    ok: bool
    output: str


def validate(directory: Path, env: Mapping[str, str]) -> Validation:
    """init (roots: against their committed lock file, read-only, so it must agree with the mirror) + validate."""
    from logpipe.terraform.runner import terraform

    lock = ["-lockfile=readonly"] if directory.parent.name == "regions" else []
    init = terraform(directory, ["init", "-backend=false", "-input=false", "-no-color", *lock], env, check=False)
    if init.returncode != 0:
        return Validation(directory, False, init.stdout + init.stderr)
    run = terraform(directory, ["validate", "-no-color"], env, check=False)
    return Validation(directory, run.returncode == 0, run.stdout + run.stderr)


def validate_all(tree: Path, env: Mapping[str, str], workers: int = WORKERS) -> list[Validation]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda d: validate(d, env), terraform_dirs(tree)))


def run_validate() -> int:
    from logpipe.terraform.config import terraform_env

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="logpipe-validate-") as scratch:
        tree = copy_without_state(TERRAFORM_DIR, Path(scratch) / "terraform")
        results = validate_all(tree, terraform_env())
        for result in results:
            name = result.directory.relative_to(tree)
            print(f"{'ok  ' if result.ok else 'FAIL'} terraform/{name}")
            if not result.ok:
                print(result.output.rstrip())
    print(f"{len(results)} directories in {time.monotonic() - started:.0f}s")
    return 0 if all(r.ok for r in results) else 1


def run_tflint() -> int:
    from logpipe.artifacts.tflint import ensure_tflint

    binary = ensure_tflint()
    proc = subprocess.run([str(binary), "--recursive", f"--config={TFLINT_CONFIG}", "--format=compact",
                           "--minimum-failure-severity=notice"], cwd=TERRAFORM_DIR, check=False)
    if proc.returncode != 0:
        return 1
    print(f"no findings in {len(terraform_dirs(TERRAFORM_DIR))} modules and roots ({binary})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m logpipe.terraform.lint", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gate", choices=("validate", "tflint"))
    args = parser.parse_args(argv)
    try:
        return run_validate() if args.gate == "validate" else run_tflint()
    except LogpipeError as exc:
        print(f"terraform {args.gate}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
