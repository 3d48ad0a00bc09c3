"""The host image: Debian bookworm by debootstrap with systemd as PID 1, imported into podman once.

The image tag carries a hash of the recipe below, so it is rebuilt exactly when the recipe changes. Nothing
component-specific goes in: roles install what they need, as on a real machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess

from logpipe.console import step
from logpipe.errors import LogpipeError
from logpipe.lab import shell
from logpipe.lab.shell import output
from logpipe.paths import cache_dir

IMAGE_REPO = "localhost/logpipe-host"
SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
# python3-apt so Ansible's apt module works without bootstrapping itself on every host; procps for ps/pkill;
# openssh-server because Ansible reaches these hosts over SSH, as it reaches production (decision 0003).
PACKAGES = ["systemd", "systemd-sysv", "dbus", "python3", "python3-apt", "ca-certificates", "iproute2", "procps",
            "openssh-server"]
SOURCES = f"""Types: deb
URIs: {MIRROR}
Suites: {SUITE} {SUITE}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: {SUITE}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""
# Units that cannot work in a container (no consoles, no udev, read-only /sys); masked so that
# `systemctl is-system-running` reports `running` rather than `degraded`.
MASKED_UNITS = [
    "getty@tty1.service", "console-getty.service", "systemd-udevd.service", "systemd-udev-trigger.service",
    "systemd-remount-fs.service", "systemd-firstboot.service", "sys-kernel-config.mount",
    "sys-kernel-debug.mount", "sys-kernel-tracing.mount", "systemd-modules-load.service",
    "systemd-journald-audit.socket", "apt-daily.timer", "apt-daily-upgrade.timer", "e2scrub_reap.service",
    "systemd-hwdb-update.service", "dev-hugepages.mount", "systemd-sysctl.service",
]
# Every host gets its own SSH host keys on its first boot (the package made one set for the whole image; they are
# removed from it). The controller's key reaches root's authorized_keys through a read-only mount (lab.ssh).
SSH_HOST_KEYS_DROP_IN = """[Service]
ExecStartPre=
ExecStartPre=/usr/bin/ssh-keygen -A
ExecStartPre=/usr/sbin/sshd -t
"""
RECIPE = {"suite": SUITE, "packages": PACKAGES, "sources": SOURCES, "masked": MASKED_UNITS,
          "ssh_host_keys": SSH_HOST_KEYS_DROP_IN, "revision": 2}


def image_tag() -> str:
    digest = hashlib.sha256(json.dumps(RECIPE, sort_keys=True).encode()).hexdigest()[:12]
    return f"{IMAGE_REPO}:{digest}"


def image_exists(tag: str) -> bool:
    return subprocess.run(["podman", "image", "exists", tag]).returncode == 0


def build(force: bool = False) -> str:
    tag = image_tag()
    if image_exists(tag) and not force:
        step(f"host image {tag} is up to date")
        return tag
    work = cache_dir() / "image-build"
    rootfs = work / "rootfs"
    debs = cache_dir() / "debootstrap-debs"
    debs.mkdir(parents=True, exist_ok=True)
    if rootfs.exists():
        shutil.rmtree(rootfs)
    rootfs.mkdir(parents=True)
    step(f"debootstrap {SUITE} into {rootfs} (about a minute)")
    shell.run(["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", f"--cache-dir={debs}",
         SUITE, str(rootfs), MIRROR])
    step("configuring the image (apt sources, masked units, machine-id)")
    (rootfs / "etc/apt/sources.list").unlink(missing_ok=True)
    (rootfs / "etc/apt/sources.list.d/debian.sources").write_text(SOURCES)
    (rootfs / "etc/machine-id").write_text("")
    for unit in MASKED_UNITS:
        link = rootfs / "etc/systemd/system" / unit
        link.unlink(missing_ok=True)
        link.symlink_to("/dev/null")
    for key in (rootfs / "etc/ssh").glob("ssh_host_*"):
        key.unlink()
    drop_in = rootfs / "etc/systemd/system/ssh.service.d/host-keys.conf"
    drop_in.parent.mkdir(parents=True, exist_ok=True)
    drop_in.write_text(SSH_HOST_KEYS_DROP_IN)
    (rootfs / "root/.ssh").mkdir(mode=0o700, exist_ok=True)
    shell.run(["chroot", str(rootfs), "apt-get", "clean"])
    step(f"importing into podman as {tag}")
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    imp = subprocess.run(["podman", "import", "--change", 'CMD ["/sbin/init"]', "--change",
                          "STOPSIGNAL=SIGRTMIN+3", "-", tag], stdin=tar.stdout, capture_output=True)
    tar.wait()
    if imp.returncode != 0 or tar.returncode != 0:
        raise LogpipeError(f"podman import of {tag} failed: {imp.stderr.decode(errors='replace')[-2000:]}")
    shell.run(["podman", "tag", tag, f"{IMAGE_REPO}:latest"])
    shutil.rmtree(rootfs)
    step(f"host image {tag} built ({output(['podman', 'image', 'inspect', tag, '--format', '{{.Size}}'])} bytes)")
    return tag


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action")
    b = sub.add_parser("build", help="build the host image unless the current recipe's image exists")
    b.add_argument("--force", action="store_true", help="rebuild even if the image exists")
    sub.add_parser("tag", help="print the image tag for the current recipe")


def run(args: argparse.Namespace) -> int:
    if args.action == "tag":
        print(image_tag())
        return 0
    build(force=getattr(args, "force", False))
    return 0

