"""The controller's SSH identity for container hosts: Ansible reaches lab and molecule hosts over SSH, as it
reaches production (decision 0003). One key per cache, made on first use; hosts get its public half as root's
authorized_keys through a read-only mount."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from logpipe.paths import cache_dir

# Lab and molecule hosts are recreated with new host keys on every run: nothing to pin. Production inventories
# keep Ansible's host key checking.
LAB_SSH_ARGS = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"


def controller_key() -> Path:
    """The private key's path (its public half beside it as .pub), created if missing."""
    key = cache_dir() / "ssh" / "id_ed25519"
    if not key.exists() or not key.with_suffix(".pub").exists():
        key.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key.unlink(missing_ok=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "logpipe-lab-controller",
                        "-f", str(key)], check=True)
    return key


def authorized_keys_volume() -> str:
    """The podman volume that gives a host the controller's public key as root's authorized_keys (the path on the
    host side is this machine's cache; the other is root's home inside the container host)."""
    return f"{controller_key().with_suffix('.pub')}:/root/.ssh/authorized_keys:ro"


def authorized_keys_mount() -> list[str]:
    """podman run arguments for authorized_keys_volume()."""
    return ["--volume", authorized_keys_volume()]


def connection_vars(address: str) -> dict[str, str]:
    """Inventory variables for reaching a container host at `address` over SSH."""
    return {"ansible_host": address, "ansible_user": "root",
            "ansible_ssh_private_key_file": str(controller_key()), "ansible_ssh_common_args": LAB_SSH_ARGS}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--public", action="store_true", help="print the public key's path instead")


def run(args: argparse.Namespace) -> int:
    key = controller_key()
    print(key.with_suffix(".pub") if args.public else key)
    return 0
