"""tflint, the Terraform linter of `make lint`, built from its Go module into the cache.

A controller-side tool rather than an artifact for the hosts: the binary lands in
$LOGPIPE_CACHE/tools/tflint-<version>-<recipe key>/ and is reused until the pin or the wrapper module changes.
Only tflint's bundled `terraform` ruleset is used: plugins are fetched from GitHub releases, which this
build cannot reach (docs/decisions/0024-tflint-bundled-ruleset.md).

`python -m logpipe.artifacts.tflint` builds it if missing and prints its path; `logpipe artifacts gomod tflint`
regenerates the wrapper module (recipes/tflint/<version>/). The version is pinned here, with no override variable.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
from pathlib import Path

from logpipe.artifacts import gomod
from logpipe.artifacts.pins import GoPin
from logpipe.artifacts.recipe import Recipe
from logpipe.errors import LogpipeError
from logpipe.paths import cache_dir

PIN = GoPin(
    name="tflint", version="0.55.1", module="github.com/terraform-linters/tflint", module_version="v0.55.1",
    package="github.com/terraform-linters/tflint", nosumdb="",
)


def recipe(pin: GoPin = PIN) -> Recipe:
    return Recipe(name=pin.name, version=pin.version, file=pin.name, recipe_dir=gomod.recipe_dir(pin),
                  params={"module": f"{pin.module}@{pin.module_version}", "package": pin.package,
                          "ldflags": gomod.LDFLAGS, "flags": "-trimpath", "cgo": "0", "platform": "linux/amd64"})


def binary_path(pin: GoPin = PIN) -> Path:
    return cache_dir() / "tools" / f"{pin.name}-{pin.version}-{recipe(pin).key()[:12]}" / pin.name


def ensure_tflint(pin: GoPin = PIN) -> Path:
    """The cached tflint binary, built first if this pin and recipe have none yet (a few minutes, once)."""
    target = binary_path(pin)
    if target.is_file():
        return target
    scratch = cache_dir() / "build" / f"{pin.name}-{pin.version}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    built = gomod.build_binary(pin, scratch, pin.name)
    gomod.check_reports_version(pin, built, ["--version"])
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    shutil.copy2(built, partial)
    partial.replace(target)
    shutil.rmtree(scratch, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m logpipe.artifacts.tflint", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    try:
        with contextlib.redirect_stdout(sys.stderr):  # build progress; stdout carries only the path
            path = ensure_tflint()
    except LogpipeError as exc:
        print(f"tflint: error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
