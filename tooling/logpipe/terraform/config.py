"""`logpipe terraform-config`: the project's own Terraform CLI config, written into the cache.

The machine's TF_CLI_CONFIG_FILE may name a file that does not exist, and there is no network to the Terraform
registry. logpipe therefore installs the aws provider only from a filesystem mirror found on this machine and
forbids direct installation; every Terraform command logpipe runs gets `terraform_env()`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from logpipe.errors import LogpipeError
from logpipe.paths import cache_dir

MIRROR_ENV = "LOGPIPE_TF_PLUGIN_DIR"
PROVIDER = ("registry.terraform.io", "hashicorp", "aws")
# The roots pin aws "~> 5.100"; a mirror must hold a version inside that range.
PROVIDER_MAJOR, PROVIDER_MIN_MINOR = 5, 100
TERRAFORM_MIN = (1, 10)
PLATFORM = "linux_amd64"


SYSTEM_DIRS = (Path("/opt/tf-plugins"), Path("/usr/local/share/terraform/plugins"),
               Path("/usr/share/terraform/plugins"))


def candidate_dirs(env: dict[str, str] | None = None, home: Path | None = None,
                   system: tuple[Path, ...] = SYSTEM_DIRS) -> list[Path]:
    """Where a provider mirror is looked for, in order: the override, /opt/tf-plugins, the user's plugin
    directories (~/.terraform.d/plugins, $XDG_DATA_HOME/terraform/plugins), then the shared system ones."""
    env = dict(os.environ) if env is None else env
    home = Path.home() if home is None else home
    found: list[Path] = []
    if env.get(MIRROR_ENV):
        found.append(Path(env[MIRROR_ENV]))
    xdg = Path(env.get("XDG_DATA_HOME") or home / ".local/share")
    found += [*system[:1], home / ".terraform.d/plugins", xdg / "terraform/plugins", *system[1:]]
    return found


def _version_key(text: str) -> tuple[int, ...] | None:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(p) for p in match.groups()) if match else None


def provider_versions(mirror: Path, platform: str = PLATFORM) -> list[str]:
    """aws provider versions for `platform` in a mirror, in either the unpacked or the packed (zip) layout."""
    base = mirror.joinpath(*PROVIDER)
    versions: set[str] = set()
    if not base.is_dir():
        return []
    for entry in base.iterdir():
        if entry.is_dir() and _version_key(entry.name) and any((entry / platform).glob("terraform-provider-aws*")):
            versions.add(entry.name)
        match = re.fullmatch(rf"terraform-provider-aws_(\d+\.\d+\.\d+)_{platform}\.zip", entry.name)
        if entry.is_file() and match:
            versions.add(match.group(1))
    return sorted(versions, key=lambda v: _version_key(v) or ())


def _fits_pin(version: str) -> bool:
    key = _version_key(version)
    return bool(key) and key[0] == PROVIDER_MAJOR and key[1] >= PROVIDER_MIN_MINOR


@dataclass(frozen=True)
class Mirror:
    path: Path
    version: str


def find_mirror(env: dict[str, str] | None = None, home: Path | None = None,
                system: tuple[Path, ...] = SYSTEM_DIRS) -> Mirror:
    """The first candidate directory holding hashicorp/aws ~> 5.100 for this platform, else a clear error."""
    env = dict(os.environ) if env is None else env
    searched = candidate_dirs(env, home, system)
    if env.get(MIRROR_ENV) and not provider_versions(searched[0]):
        raise LogpipeError(f"{MIRROR_ENV}={env[MIRROR_ENV]} holds no hashicorp/aws provider for {PLATFORM} "
                           f"(expected {searched[0].joinpath(*PROVIDER)}/<version>/{PLATFORM}/)")
    for directory in searched:
        fitting = [v for v in provider_versions(directory) if _fits_pin(v)]
        if fitting:
            return Mirror(path=directory, version=fitting[-1])
    raise LogpipeError(
        f"no Terraform provider mirror holding hashicorp/aws ~> {PROVIDER_MAJOR}.{PROVIDER_MIN_MINOR} for "
        f"{PLATFORM} was found; searched {', '.join(str(d) for d in searched)}. Put the provider under "
        f"DIR/registry.terraform.io/hashicorp/aws/VERSION/{PLATFORM}/ and set {MIRROR_ENV}=DIR")


def terraform_binary() -> Path:
    """The terraform on PATH, checked to be >= 1.10 (S3 use_lockfile), else a clear error."""
    found = shutil.which("terraform")
    if not found:
        raise LogpipeError(f"terraform is not on PATH; install Terraform >= {TERRAFORM_MIN[0]}.{TERRAFORM_MIN[1]}")
    out = subprocess.run([found, "version"], capture_output=True, text=True, env=_bare_env(), check=False).stdout
    match = re.search(r"Terraform v(\d+)\.(\d+)\.(\d+)", out)
    if not match:
        raise LogpipeError(f"could not read the version of {found}: {out.strip()!r}")
    if (int(match.group(1)), int(match.group(2))) < TERRAFORM_MIN:
        raise LogpipeError(f"{found} is Terraform v{'.'.join(match.groups())}; logpipe needs >= "
                           f"{TERRAFORM_MIN[0]}.{TERRAFORM_MIN[1]} (S3 backend use_lockfile)")
    return Path(found)


def render_cli_config(mirror: Path) -> str:
    """The CLI config text: filesystem mirror for the registry, direct installation excluded for it. No plugin
    cache: from an unpacked mirror, `terraform init` links the provider instead of copying its ~700 MB."""
    return (
        "# Written by `logpipe terraform-config`; do not edit (it is rewritten on every run).\n"
        "disable_checkpoint = true\n\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {_hcl_string(str(mirror))}\n"
        '    include = ["registry.terraform.io/*/*"]\n'
        "  }\n"
        "  direct {\n"
        '    exclude = ["registry.terraform.io/*/*"]\n'
        "  }\n"
        "}\n"
    )


def _hcl_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _bare_env() -> dict[str, str]:
    """os.environ without the machine's TF_CLI_CONFIG_FILE (which may name a missing file)."""
    env = dict(os.environ)
    env.pop("TF_CLI_CONFIG_FILE", None)
    env["CHECKPOINT_DISABLE"] = "1"
    return env


def write_cli_config(check_terraform: bool = True) -> Path:
    """Write (or refresh) the CLI config in the cache and return its path. Idempotent."""
    if check_terraform:
        terraform_binary()
    mirror = find_mirror()
    directory = cache_dir() / "terraform"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "cli.tfrc"
    text = render_cli_config(mirror.path)
    if not path.is_file() or path.read_text() != text:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(path)
    return path


def cli_config_path() -> Path:
    """The path of logpipe's Terraform CLI config, written on first use."""
    return write_cli_config()


def terraform_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default os.environ) with TF_CLI_CONFIG_FILE pointing at logpipe's CLI config, for subprocesses."""
    env = dict(os.environ if base is None else base)
    env["TF_CLI_CONFIG_FILE"] = str(cli_config_path())
    env["TF_IN_AUTOMATION"] = "1"
    env["CHECKPOINT_DISABLE"] = "1"
    return env


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (f"Searches {MIRROR_ENV}, /opt/tf-plugins, ~/.terraform.d/plugins, "
                     "~/.local/share/terraform/plugins, /usr/local/share/terraform/plugins, "
                     "/usr/share/terraform/plugins. Prints the config's path; use it as TF_CLI_CONFIG_FILE.")


def run(args: argparse.Namespace) -> int:
    print(write_cli_config())
    return 0
