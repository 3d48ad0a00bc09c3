"""The Kafka tarball extracted once into the cache, for tests and benchmarks that run Kafka's own classes."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from logpipe.artifacts import pack, store
from logpipe.artifacts.checksums import verify_file
from logpipe.errors import LogpipeError
from logpipe.paths import artifact_dir, cache_dir


def kafka_home(directory: Path | None = None) -> Path:
    """The Kafka home (`libs/`, `config/`) of the recorded Kafka artifact; extracted on first use.

    The extraction is keyed by the tarball's sha256 and verified before unpacking, so a rebuilt or corrupted
    tarball is never used through a stale copy.
    """
    directory = directory or artifact_dir()
    record = store.read_records(directory).get("kafka")
    if record is None:
        raise LogpipeError(f"no Kafka artifact recorded in {directory / store.MANIFEST}; run "
                           f"`logpipe artifacts build --only kafka`")
    top_dir = record.file.removesuffix(".tgz")
    root = cache_dir() / "kafka-home"
    target = root / record.sha256[:16]
    home = target / top_dir
    if (home / "libs").is_dir():
        return home
    verify_file(directory / record.file, record.sha256)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".extract-", dir=root))
    try:
        pack.extract_tgz(directory / record.file, tmp)
        if not (tmp / top_dir / "libs").is_dir():
            raise LogpipeError(f"{record.file} has no {top_dir}/libs/; rebuild with "
                               f"`logpipe artifacts build --only kafka --force`")
        try:
            os.rename(tmp, target)
        except OSError:
            if not (home / "libs").is_dir():  # not a concurrent extraction that won the race
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return home
