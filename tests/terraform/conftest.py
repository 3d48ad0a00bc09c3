"""Terraform tests: real terraform with the mirrored aws provider against moto servers on loopback ports.

Region roots take minutes each, mostly in the provider's fixed waits, so their whole lifecycles (apply, re-plan,
inventory, replacement or lock checks, destroy) start in background threads as soon as the first terraform test
runs, each against its own moto server; the static tests (fmt, validate, `terraform test`) run meanwhile. Each
lifecycle test then waits for its root's result. Nothing here skips: missing terraform or provider fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from logpipe.errors import LogpipeError
from logpipe.lab.moto import TEST_CREDENTIALS, free_port, stop
from logpipe.paths import REPO_ROOT
from logpipe.terraform.lint import copy_without_state

TERRAFORM_DIR = REPO_ROOT / "terraform"
# Root -> region, in the order their lifecycles start (longest first).
ROOTS = {"us-east-1": "us-east-1", "eu-west-1": "eu-west-1", "lab": "us-east-1"}
PARALLELISM = 16
# An official-looking Debian 12 image owned by Debian's account, so the region roots' AMI lookup runs as in AWS.
DEBIAN_AMI = {
    "ami_id": "ami-0d1e2b3a4c5d6e7f8", "name": "debian-12-amd64-20250610-2137", "owner_id": "136693071363",
    "architecture": "x86_64", "state": "available", "public": True, "root_device_type": "ebs",
    "root_device_name": "/dev/xvda", "virtualization_type": "hvm", "hypervisor": "xen", "image_type": "machine",
    "description": "Debian 12 (20250610-2137)", "platform": None, "sriov": "simple",
    "image_location": "136693071363/debian-12-amd64-20250610-2137",
}
TIMINGS: dict[str, dict[str, float]] = {}


@dataclass
class Moto:
    pid: int
    port: int
    region: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(TEST_CREDENTIALS, AWS_ENDPOINT_URL=self.url, AWS_REGION=self.region,
                   AWS_DEFAULT_REGION=self.region, AWS_EC2_METADATA_DISABLED="true")
        return env

    def client(self, service: str):
        import boto3

        return boto3.client(service, region_name=self.region, endpoint_url=self.url,
                            aws_access_key_id="testing", aws_secret_access_key="testing")


def start_moto(region: str, workdir: Path) -> Moto:
    amis = workdir / "amis.json"
    amis.write_text(json.dumps([DEBIAN_AMI]))
    port = free_port()
    env = {**os.environ, "MOTO_AMIS_PATH": str(amis)}
    log = open(workdir / "moto.log", "ab")  # noqa: SIM115 -- owned by the child process
    proc = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    for _ in range(200):
        if proc.poll() is not None:
            raise LogpipeError(f"moto_server exited with {proc.returncode}; see {workdir / 'moto.log'}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)  # noqa: S310 -- loopback
            return Moto(pid=proc.pid, port=port, region=region)
        except OSError:
            time.sleep(0.2)
    stop(proc.pid)
    raise LogpipeError(f"moto_server did not answer on 127.0.0.1:{port}")


def copy_tree(dest: Path) -> Path:
    """terraform/ without local working state, so tests never touch (or are touched by) the checkout's roots."""
    return copy_without_state(TERRAFORM_DIR, dest)


@dataclass
class Suite:
    base: Path
    executor: ThreadPoolExecutor
    futures: dict[str, Future] = field(default_factory=dict)
    servers: list[Moto] = field(default_factory=list)

    def submit(self, name: str, fn: Callable[[], object]) -> None:
        self.futures[name] = self.executor.submit(fn)

    def result(self, name: str):
        return self.futures[name].result()


def require_terraform() -> dict[str, str]:
    from logpipe.terraform.config import terraform_binary, terraform_env

    try:
        terraform_binary()
        return terraform_env()
    except LogpipeError as exc:
        pytest.fail(f"terraform tests cannot run: {exc}")


@pytest.fixture(scope="session")
def tf_env() -> dict[str, str]:
    return require_terraform()


@pytest.fixture(scope="session")
def tf_suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    require_terraform()
    import tf_lifecycles as lifecycles

    base = tmp_path_factory.mktemp("tf")
    suite = Suite(base=base, executor=ThreadPoolExecutor(max_workers=len(ROOTS), thread_name_prefix="tf-root"))
    for root, region in ROOTS.items():
        workdir = base / root
        workdir.mkdir()
        tree = copy_tree(workdir / "terraform")
        moto = start_moto(region, workdir)
        suite.servers.append(moto)
        suite.submit(root, lambda r=root, t=tree, m=moto: lifecycles.run(r, t / "regions" / r, m, TIMINGS))
    try:
        yield suite
    finally:
        suite.executor.shutdown(wait=True, cancel_futures=True)
        for moto in suite.servers:
            stop(moto.pid)


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 -- pytest hook
    if TIMINGS:
        terminalreporter.section("terraform timings against moto (seconds)")
        for root, steps in sorted(TIMINGS.items()):
            terminalreporter.write_line(f"{root}: " + ", ".join(f"{k} {v:.0f}" for k, v in steps.items()))
