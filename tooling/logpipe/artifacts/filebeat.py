"""Filebeat built from the beats Go module, packaged like Elastic's tarball:
`filebeat-<version>-linux-x86_64.tar.gz` with top dir `filebeat-<version>-linux-x86_64/` holding `filebeat`
and a minimal `filebeat.yml`. The module version (a 9.x pseudo-version by default) is recorded in built_from.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from logpipe.artifacts import gomod, pack
from logpipe.artifacts.pins import GoPin
from logpipe.artifacts.recipe import RECIPES_DIR, Recipe
from logpipe.artifacts.runner import run_logged
from logpipe.console import progress, step

CONFIG = RECIPES_DIR / "filebeat" / "filebeat.yml"


def top_dir(pin: GoPin) -> str:
    return f"filebeat-{pin.version}-linux-x86_64"


def recipe(pin: GoPin) -> Recipe:
    return Recipe(name="filebeat", version=pin.version, file=f"{top_dir(pin)}.tar.gz",
                  recipe_dir=gomod.recipe_dir(pin),
                  params={"module": f"{pin.module}@{pin.module_version}", "package": pin.package,
                          "ldflags": gomod.LDFLAGS, "flags": "-trimpath", "cgo": "0", "platform": "linux/amd64",
                          "nosumdb": pin.nosumdb, "filebeat.yml": CONFIG.read_text()})


def build(pin: GoPin, scratch: Path, dest: Path) -> str:
    binary = gomod.build_binary(pin, scratch, "filebeat")
    reported = gomod.check_reports_version(pin, binary, ["version"])
    progress(f"filebeat reports: {reported}")
    stage = scratch / top_dir(pin)
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    shutil.copy2(binary, stage / "filebeat")
    shutil.copy2(CONFIG, stage / "filebeat.yml")
    step(f"filebeat {pin.version}: checking the shipped filebeat.yml with `filebeat test config`")
    run_logged([str(stage / "filebeat"), "test", "config", "-c", str(stage / "filebeat.yml"),
                "--path.home", str(stage), "--path.data", str(scratch / "data"), "--path.logs", str(scratch / "logs")],
               label="filebeat test config", log_path=scratch / "build.log")
    step(f"filebeat {pin.version}: packing {dest.name}")
    pack.write_tgz(stage, top_dir(pin), dest)
    return (f"Go module {pin.package} ({pin.module}@{pin.module_version}) via wrapper recipes/{pin.recipe_dir_name} "
            f"(go build -trimpath -ldflags '{gomod.LDFLAGS}', CGO_ENABLED=0)")
