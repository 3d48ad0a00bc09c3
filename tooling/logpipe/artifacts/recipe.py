"""Recipes and their cache keys.

A recipe is everything that decides an artifact's bytes: the pinned version, the committed recipe files (pom,
config files, wrapper go.mod/go.sum) and the build parameters (flags, environment). Its key is a sha256 over all
of these, so a build is reused exactly when none of them changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from logpipe.errors import LogpipeError

RECIPES_DIR = Path(__file__).resolve().parent / "recipes"
# Bumped when the packaging code changes in a way that changes the artifact's bytes.
PACKAGING_REVISION = 1


@dataclass(frozen=True)
class Recipe:
    name: str
    version: str
    file: str
    recipe_dir: Path
    params: dict[str, str] = field(default_factory=dict)

    def files(self) -> list[Path]:
        """The committed recipe files, in a stable order."""
        if not self.recipe_dir.is_dir():
            raise LogpipeError(f"recipe directory for {self.name} {self.version} is missing: {self.recipe_dir}")
        return sorted(p for p in self.recipe_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts)

    def key(self) -> str:
        return recipe_key(self.name, self.version, self.params,
                          {p.relative_to(self.recipe_dir).as_posix(): p.read_bytes() for p in self.files()})


def recipe_key(name: str, version: str, params: dict[str, str], files: dict[str, bytes]) -> str:
    """sha256 over name, version, parameters and recipe file contents (order-independent)."""
    digest = hashlib.sha256()
    header = {"name": name, "version": version, "params": params, "packaging": PACKAGING_REVISION}
    digest.update(json.dumps(header, sort_keys=True).encode())
    for rel in sorted(files):
        digest.update(b"\0file\0" + rel.encode() + b"\0")
        digest.update(hashlib.sha256(files[rel]).digest())
    return digest.hexdigest()
