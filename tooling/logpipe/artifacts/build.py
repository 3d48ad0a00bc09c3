"""Building the artifact directory: each artifact is rebuilt only when its recipe key changed (or on --force)."""

from __future__ import annotations

import importlib
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from logpipe.artifacts import store
from logpipe.artifacts.pins import NAMES, Pins, selected_pins
from logpipe.artifacts.recipe import Recipe
from logpipe.console import progress, step
from logpipe.errors import LogpipeError
from logpipe.paths import artifact_dir, cache_dir

# name -> module exposing recipe(pin) -> Recipe and build(pin, scratch, dest) -> built_from
BUILDERS = {"kafka": "logpipe.artifacts.kafka", "consul": "logpipe.artifacts.consul",
            "filebeat": "logpipe.artifacts.filebeat"}


class Builder(Protocol):
    """What each artifact module provides (kafka.py, consul.py, filebeat.py)."""

    def recipe(self, pin) -> Recipe: ...

    def build(self, pin, scratch: Path, dest: Path) -> str: ...


@dataclass(frozen=True)
class Outcome:
    record: store.Record
    rebuilt: bool
    seconds: float


def build(names: list[str] | None = None, *, force: bool = False, directory: Path | None = None,
          pins: Pins | None = None, builders: dict[str, Builder] | None = None) -> list[Outcome]:
    """Build the named artifacts (all by default) into `directory` (the artifact dir by default).

    An artifact is rebuilt when it is missing, its recipe key differs from the manifest's, or `force`.
    """
    directory = directory or artifact_dir()
    pins = pins or selected_pins()
    unknown = sorted(set(names or []) - set(NAMES))
    if unknown:
        raise LogpipeError(f"unknown artifact(s) {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    names = [n for n in NAMES if n in names] if names else list(NAMES)
    outcomes: list[Outcome] = []
    with store.build_lock(directory, progress):
        records = store.read_records(directory)
        for name in names:
            builder = (builders or {}).get(name) or importlib.import_module(BUILDERS[name])
            recipe = builder.recipe(getattr(pins, name))
            key = recipe.key()
            current = records.get(name)
            if not force and store.is_current(directory, current, key):
                step(f"{name} {recipe.version}: {recipe.file} is up to date (recipe {key[:12]})")
                outcomes.append(Outcome(current, rebuilt=False, seconds=0.0))
                continue
            why = "forced" if force else ("not built yet" if current is None else
                                          "recipe changed" if current.recipe_key != key else "file missing")
            step(f"{name} {recipe.version}: building {recipe.file} ({why}; recipe {key[:12]})")
            scratch = cache_dir() / "build" / f"{name}-{key[:12]}"
            scratch.mkdir(parents=True, exist_ok=True)
            start = time.monotonic()
            built_from = builder.build(getattr(pins, name), scratch, directory / recipe.file)
            record = store.record_for(directory, name, recipe.version, recipe.file, built_from, key)
            if current is not None and current.file != record.file:
                (directory / current.file).unlink(missing_ok=True)
            records[name] = record
            store.write_records(directory, records)
            shutil.rmtree(scratch, ignore_errors=True)
            seconds = time.monotonic() - start
            progress(f"{record.file}: {record.size / 1e6:.1f} MB, sha256 {record.sha256}, {seconds:.0f}s")
            outcomes.append(Outcome(record, rebuilt=True, seconds=seconds))
        store.write_records(directory, records)
    return outcomes


def verify(directory: Path | None = None) -> list[store.Record]:
    """Recompute every artifact's sha256 against manifest.json and SHA256SUMS; raise on the first mismatch."""
    from logpipe.artifacts.checksums import parse_sums, verify_file

    directory = directory or artifact_dir()
    records = store.read_records(directory)
    if not records:
        raise LogpipeError(f"no artifacts recorded in {directory / store.MANIFEST}; run `logpipe artifacts build`")
    sums_path = directory / store.SUMS
    if not sums_path.exists():
        raise LogpipeError(f"{sums_path} is missing; run `logpipe artifacts build` to rewrite it")
    sums = parse_sums(sums_path.read_text(), str(sums_path))
    for record in records.values():
        if sums.get(record.file) != record.sha256:
            raise LogpipeError(f"{sums_path} records {sums.get(record.file, 'nothing')} for {record.file} but "
                               f"{directory / store.MANIFEST} records {record.sha256}; rebuild with "
                               f"`logpipe artifacts build --only {record.name} --force`")
        verify_file(directory / record.file, record.sha256)
    return list(records.values())
