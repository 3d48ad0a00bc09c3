"""moto's server as the lab's AWS: a real HTTP endpoint on a free loopback port, run as a child process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from logpipe.errors import LogpipeError

TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class MotoServer:
    pid: int
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def aws_env(self, region: str) -> dict[str, str]:
        """Environment for Terraform/boto3 pointing at this server (the provider block carries no test settings)."""
        return {**TEST_CREDENTIALS, "AWS_ENDPOINT_URL": self.url, "AWS_REGION": region,
                "AWS_DEFAULT_REGION": region, "AWS_EC2_METADATA_DISABLED": "true"}


def start(log_file: Path, port: int | None = None, timeout: float = 30.0) -> MotoServer:
    port = port or free_port()
    moto_bin = Path(sys.executable).with_name("moto_server")
    cmd = [str(moto_bin), "-H", "127.0.0.1", "-p", str(port)]
    log = open(log_file, "ab")  # noqa: SIM115 -- handed to the child process, which outlives this call
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LogpipeError(f"moto server exited with {proc.returncode}; see {log_file}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)  # noqa: S310 -- loopback
            return MotoServer(pid=proc.pid, port=port)
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise LogpipeError(f"moto server did not answer on 127.0.0.1:{port} within {timeout:.0f}s; see {log_file}")


def stop(pid: int) -> None:
    """Stop a moto server started by `start` (its own process group); absent is fine."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pid, signal.SIGKILL)
