"""Where things live: the repository, and the cache outside it shared by every clone and host."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    """LOGPIPE_CACHE, else $XDG_CACHE_HOME/logpipe, else ~/.cache/logpipe (created on demand)."""
    explicit = os.environ.get("LOGPIPE_CACHE")
    base = Path(explicit) if explicit else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "logpipe"
    base.mkdir(parents=True, exist_ok=True)
    return base


def artifact_dir() -> Path:
    """The local artifact source: built artifacts plus SHA256SUMS, served to roles as a plain directory."""
    path = Path(os.environ.get("LOGPIPE_ARTIFACTS", cache_dir() / "artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path
