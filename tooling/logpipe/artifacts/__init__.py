"""The local artifact source: Kafka, Consul and Filebeat built from the registries this machine reaches.

Artifacts live in `logpipe.paths.artifact_dir()` with `manifest.json` (name -> version, file, sha256,
built_from, ...) and `SHA256SUMS`. Build with `logpipe artifacts build`; roles read the directory.

Python API for other parts of logpipe and for tests:
    manifest() -> dict                      the recorded artifacts
    verify_file(path, expected) -> str      sha256 check that raises LogpipeError naming the file
    kafka_home() -> Path                    the Kafka tarball extracted once into the cache
"""

from __future__ import annotations

from pathlib import Path

from logpipe.artifacts import store
from logpipe.artifacts.checksums import sha256_file, verify_file
from logpipe.artifacts.home import kafka_home
from logpipe.paths import artifact_dir

__all__ = ["artifact_path", "kafka_home", "manifest", "sha256_file", "verify_file"]


def manifest(directory: Path | None = None) -> dict:
    """{name: {version, file, sha256, size, built_from, recipe_key}} as recorded in manifest.json."""
    records = store.read_records(directory or artifact_dir())
    return {name: record.to_json() for name, record in records.items()}


def artifact_path(name: str, directory: Path | None = None) -> Path:
    """The verified path of artifact `name` (kafka, consul, filebeat); raises naming what to build."""
    from logpipe.errors import LogpipeError

    directory = directory or artifact_dir()
    record = store.read_records(directory).get(name)
    if record is None:
        raise LogpipeError(f"no {name} artifact recorded in {directory}; run `logpipe artifacts build --only {name}`")
    path = directory / record.file
    verify_file(path, record.sha256)
    return path
