"""Deterministic archives: the same files give the same bytes (sorted entries, fixed times and owners)."""

from __future__ import annotations

import gzip
import os
import tarfile
import zipfile
from pathlib import Path

# 2000-01-01T00:00:00Z: any fixed time works; zip cannot store times before 1980.
FIXED_MTIME = 946684800


def _mode(path: Path) -> int:
    return 0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644


def _walk(root: Path) -> list[Path]:
    return sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix())


def write_tgz(source: Path, top_dir: str, dest: Path) -> None:
    """Pack the contents of `source` under `top_dir/` into a gzipped tarball at `dest`."""
    tmp = dest.with_name(f".{dest.name}.tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in [source, *_walk(source)]:
            rel = path.relative_to(source).as_posix()
            arcname = top_dir if rel == "." else f"{top_dir}/{rel}"
            info = tarfile.TarInfo(arcname)
            info.mtime = FIXED_MTIME
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mode = _mode(path)
            if path.is_dir():
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = path.stat().st_size
                with open(path, "rb") as handle:
                    tar.addfile(info, handle)
    os.replace(tmp, dest)


def write_zip(files: dict[str, Path], dest: Path) -> None:
    """A zip holding `files` ({name in archive: path}) at the top level, as vendors ship single binaries."""
    tmp = dest.with_name(f".{dest.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name in sorted(files):
            path = files[name]
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below is honoured by unzip
            info.external_attr = (_mode(path) | 0o100000) << 16
            with open(path, "rb") as handle:
                archive.writestr(info, handle.read())
    os.replace(tmp, dest)


def extract_tgz(archive: Path, dest: Path) -> None:
    """Unpack a tarball we wrote; refuses members that would land outside `dest`."""
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(dest, filter="data")
