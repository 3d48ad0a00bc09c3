"""The lab as a pytest fixture, shared by tests/lab and tests/faults: `logpipe lab up` once per session
(Terraform against moto, container hosts, site.yml), `logpipe lab down` at the end unless LOGPIPE_KEEP_LAB=1.
LOGPIPE_REUSE_LAB=1 uses a lab that is already up as it is (no `up`, no `down`): for iterating on the fault suite.
Fails loudly when podman cannot run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logpipe.lab.state import LabState

REPO = Path(__file__).resolve().parents[2]
LOGPIPE = str(Path(sys.executable).with_name("logpipe"))


@pytest.fixture(scope="session")
def lab() -> LabState:
    assert shutil.which("podman"), "podman is required for the lab tests (make test installs it)"
    reuse = os.environ.get("LOGPIPE_REUSE_LAB") == "1" and LabState.load().hosts
    if not reuse:
        subprocess.run([LOGPIPE, "lab", "up"], cwd=REPO, check=True)
    yield LabState.load()
    if not reuse and os.environ.get("LOGPIPE_KEEP_LAB") != "1":
        subprocess.run([LOGPIPE, "lab", "down"], cwd=REPO, check=True)
