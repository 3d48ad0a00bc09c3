"""Apache Kafka assembled from Maven Central in the layout of the official tarball.

`kafka_<scala>-<version>/libs/*.jar` holds kafka_<scala>, kafka-tools and their runtime dependencies (copied by
maven-dependency-plugin from the committed pom); `config/` holds a KRaft `server.properties` example and
`log4j2.yaml`. The vendor's bin/ scripts are not published to Maven Central, so units and tests start the JVM
themselves: `java -cp 'libs/*' kafka.Kafka config/server.properties`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from logpipe.artifacts import pack
from logpipe.artifacts.pins import KafkaPin
from logpipe.artifacts.recipe import RECIPES_DIR, Recipe
from logpipe.artifacts.runner import run_logged
from logpipe.console import progress, step
from logpipe.errors import LogpipeError
from logpipe.paths import cache_dir

RECIPE_DIR = RECIPES_DIR / "kafka"
CONFIG_FILES = ("server.properties", "log4j2.yaml")
MAIN_CLASS = "kafka.Kafka"
STORAGE_TOOL = "kafka.tools.StorageTool"
# Jars the broker cannot run without; checked after resolution so a pom mistake fails the build, not a unit.
REQUIRED_JARS = ("kafka_{scala}-{version}.jar", "kafka-tools-{version}.jar", "kafka-clients-{version}.jar",
                 "kafka-server-{version}.jar", "kafka-storage-{version}.jar", "kafka-raft-{version}.jar",
                 "log4j-core-", "log4j-slf4j-impl-", "jackson-dataformat-yaml-")


def recipe(pin: KafkaPin) -> Recipe:
    return Recipe(name="kafka", version=pin.version, file=pin.file, recipe_dir=RECIPE_DIR,
                  params={"scala": pin.scala, "scope": "runtime", "top_dir": pin.top_dir})


def missing_jars(jar_names: list[str], pin: KafkaPin) -> list[str]:
    """The entries of REQUIRED_JARS that no jar in `jar_names` satisfies (a name or a name prefix)."""
    missing = []
    for pattern in REQUIRED_JARS:
        wanted = pattern.format(scala=pin.scala, version=pin.version)
        exact = wanted.endswith(".jar")
        if not any((name == wanted) if exact else name.startswith(wanted) for name in jar_names):
            missing.append(wanted)
    return missing


def java_command(home: Path, main_class: str, *args: str, jvm: tuple[str, ...] = ()) -> list[str]:
    """The command line that runs one of Kafka's main classes from an assembled home (no bin/ scripts)."""
    return ["java", *jvm, "-cp", str(home / "libs" / "*"), main_class, *args]


def _require(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise LogpipeError(f"`{tool}` is not on PATH; install the Debian package {package} (scripts/bootstrap.sh "
                           f"does) to build the Kafka artifact")
    return found


def build(pin: KafkaPin, scratch: Path, dest: Path) -> str:
    """Assemble the tarball `dest` (named pin.file); return the built_from description."""
    mvn = _require("mvn", "maven")
    _require("java", "openjdk-17-jdk-headless")
    stage = scratch / pin.top_dir
    if stage.exists():
        shutil.rmtree(stage)
    (stage / "config").mkdir(parents=True)
    shutil.copy2(RECIPE_DIR / "pom.xml", scratch / "pom.xml")
    step(f"kafka {pin.version}: resolving kafka_{pin.scala} + kafka-tools and their runtime dependencies "
         f"from Maven Central")
    env = dict(os.environ, MAVEN_OPTS=os.environ.get("MAVEN_OPTS", "-Xmx512m"))
    seconds = run_logged(
        [mvn, "-B", "-ntp", f"-Dmaven.repo.local={cache_dir() / 'm2'}", f"-Dkafka.version={pin.version}",
         f"-Dscala.binary.version={pin.scala}", "-f", str(scratch / "pom.xml"),
         "dependency:copy-dependencies", "-DincludeScope=runtime", f"-DoutputDirectory={stage / 'libs'}"],
        label="mvn dependency:copy-dependencies", log_path=scratch / "build.log", env=env)
    jars = sorted(p.name for p in (stage / "libs").glob("*.jar"))
    size_mb = sum((stage / "libs" / j).stat().st_size for j in jars) / 1e6
    progress(f"{len(jars)} jars, {size_mb:.0f} MB in {seconds:.0f}s")
    missing = missing_jars(jars, pin)
    if missing:
        raise LogpipeError(f"kafka {pin.version}: the resolved libs/ lack {', '.join(missing)}; "
                           f"check {RECIPE_DIR / 'pom.xml'}")
    for name in CONFIG_FILES:
        shutil.copy2(RECIPE_DIR / name, stage / "config" / name)
    step(f"kafka {pin.version}: checking that {STORAGE_TOOL} runs from the assembled classpath")
    run_logged(java_command(stage, STORAGE_TOOL, "random-uuid"), label=STORAGE_TOOL,
               log_path=scratch / "build.log")
    step(f"kafka {pin.version}: packing {dest.name}")
    pack.write_tgz(stage, pin.top_dir, dest)
    shutil.rmtree(stage)
    return (f"Maven Central: org.apache.kafka:kafka_{pin.scala}:{pin.version} + org.apache.kafka:kafka-tools:"
            f"{pin.version} with runtime dependencies ({len(jars)} jars) + config from "
            f"tooling/logpipe/artifacts/recipes/kafka")
