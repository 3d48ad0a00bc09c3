"""What the CLI prints while it works: a step (`==> ...`) and progress under it (indented). Line-buffered so that
progress shows as it happens, also when the output is a pipe (CI logs)."""

from __future__ import annotations

import sys


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def progress(message: str) -> None:
    sys.stdout.write(f"    {message}\n")
    sys.stdout.flush()
