"""The real shipper for tests and benchmarks: the filebeat executable of the artifact source, unpacked."""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

from logpipe.artifacts import artifact_path
from logpipe.errors import LogpipeError


def unpack_filebeat(workdir: Path) -> Path:
    """Unpack the recorded filebeat artifact (checksum-verified) into `workdir`; return its executable.

    Raises LogpipeError naming `logpipe artifacts build --only filebeat` when the artifact is not built."""
    archive = artifact_path("filebeat")
    target = Path(workdir) / "filebeat-dist"
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(target)
    else:
        with tarfile.open(archive) as t:
            t.extractall(target, filter="data")
    found = sorted(p for p in target.rglob("filebeat") if p.is_file())
    if not found:
        raise LogpipeError(f"no 'filebeat' executable inside {archive}; rebuild it with "
                           "`logpipe artifacts build --only filebeat --force`")
    found[0].chmod(0o755)
    return found[0]
