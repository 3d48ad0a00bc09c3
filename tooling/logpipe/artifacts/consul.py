"""Consul built from its Go module, packaged like HashiCorp's release: a zip holding the single `consul` binary."""

from __future__ import annotations

from pathlib import Path

from logpipe.artifacts import gomod, pack
from logpipe.artifacts.pins import GoPin
from logpipe.artifacts.recipe import Recipe
from logpipe.console import progress, step


def file_name(pin: GoPin) -> str:
    return f"consul_{pin.version}_linux_amd64.zip"


def recipe(pin: GoPin) -> Recipe:
    return Recipe(name="consul", version=pin.version, file=file_name(pin), recipe_dir=gomod.recipe_dir(pin),
                  params={"module": f"{pin.module}@{pin.module_version}", "package": pin.package,
                          "ldflags": gomod.LDFLAGS, "flags": "-trimpath", "cgo": "0", "platform": "linux/amd64",
                          "nosumdb": pin.nosumdb})


def build(pin: GoPin, scratch: Path, dest: Path) -> str:
    binary = gomod.build_binary(pin, scratch, "consul")
    reported = gomod.check_reports_version(pin, binary, ["version"])
    progress(f"consul reports: {reported}")
    step(f"consul {pin.version}: packing {dest.name}")
    pack.write_zip({"consul": binary}, dest)
    return (f"Go module {pin.module}@{pin.module_version} via wrapper recipes/{pin.recipe_dir_name} "
            f"(go build -trimpath -ldflags '{gomod.LDFLAGS}', CGO_ENABLED=0)")
