"""The pinned versions of every artifact, and the variables that select them.

Each pin is a frozen dataclass; `selected_pins()` reads the overrides (environment variables, as `make` passes
them) and returns the pins one build uses. A build is redone when its pin or recipe changes (see recipe.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from logpipe.errors import LogpipeError

NAMES = ("kafka", "consul", "filebeat")


@dataclass(frozen=True)
class KafkaPin:
    version: str = "4.1.1"
    scala: str = "2.13"

    @property
    def top_dir(self) -> str:
        return f"kafka_{self.scala}-{self.version}"

    @property
    def file(self) -> str:
        return f"{self.top_dir}.tgz"


@dataclass(frozen=True)
class GoPin:
    """A binary built from a Go module: `package` (a main package) from `module` at `module_version`.

    `version` is what the binary reports and names the package file; the build checks the two agree.
    """

    name: str
    version: str
    module: str
    module_version: str
    package: str
    nosumdb: str

    @property
    def recipe_dir_name(self) -> str:
        return f"{self.name}/{self.version}"


CONSUL_PINS: dict[str, GoPin] = {
    # The newest Consul that builds from its Go module here; later releases fail (docs/decisions/0010).
    "1.19.2": GoPin(
        name="consul", version="1.19.2", module="github.com/hashicorp/consul", module_version="v1.19.2",
        package="github.com/hashicorp/consul", nosumdb="github.com/hashicorp/consul/*",
    ),
}

FILEBEAT_PINS: dict[str, GoPin] = {
    # The 9.x development line (a pseudo-version of the beats v7 module path): filestream with fingerprint file
    # identity, which is what keeps first lines intact after inode reuse.
    "9.3.0": GoPin(
        name="filebeat", version="9.3.0", module="github.com/elastic/beats/v7",
        module_version="v7.0.0-alpha2.0.20251031181001-be9871f5dab9",
        package="github.com/elastic/beats/v7/filebeat", nosumdb="github.com/elastic/beats/v7",
    ),
    # The documented alternative: the last 7.x release (builds faster; fingerprint identity is not available).
    "7.17.29": GoPin(
        name="filebeat", version="7.17.29", module="github.com/elastic/beats/v7", module_version="v7.17.29",
        package="github.com/elastic/beats/v7/filebeat", nosumdb="github.com/elastic/beats/v7",
    ),
}

DEFAULT_CONSUL = "1.19.2"
DEFAULT_FILEBEAT = "9.3.0"


@dataclass(frozen=True)
class Pins:
    kafka: KafkaPin
    consul: GoPin
    filebeat: GoPin


def _choose(table: dict[str, GoPin], value: str, variable: str) -> GoPin:
    if value not in table:
        known = ", ".join(sorted(table))
        raise LogpipeError(f"{variable}={value!r} has no recipe; choose one of: {known}")
    return table[value]


def selected_pins(env: dict[str, str] | None = None) -> Pins:
    """The pins for this build: LOGPIPE_KAFKA_VERSION, LOGPIPE_CONSUL_VERSION, LOGPIPE_FILEBEAT_VERSION override."""
    env = dict(os.environ if env is None else env)
    kafka_version = env.get("LOGPIPE_KAFKA_VERSION", KafkaPin.version)
    parts = kafka_version.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise LogpipeError(f"LOGPIPE_KAFKA_VERSION={kafka_version!r} is not a release version like 4.1.1")
    return Pins(
        kafka=KafkaPin(version=kafka_version),
        consul=_choose(CONSUL_PINS, env.get("LOGPIPE_CONSUL_VERSION", DEFAULT_CONSUL), "LOGPIPE_CONSUL_VERSION"),
        filebeat=_choose(FILEBEAT_PINS, env.get("LOGPIPE_FILEBEAT_VERSION", DEFAULT_FILEBEAT),
                         "LOGPIPE_FILEBEAT_VERSION"),
    )
