"""Running Terraform for a root: init, apply, plan, output, destroy. A few lines of subprocess (see
docs/decisions/0020-terraform-through-subprocess.md for why not python-terraform), always with logpipe's own CLI
config (`logpipe.terraform.config.terraform_env`)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from logpipe.errors import LogpipeError
from logpipe.terraform.config import terraform_binary, terraform_env

BACKEND_CONFIG_FILE = "backend.hcl"
# Data volumes carry `prevent_destroy`; a deliberate teardown releases them (and their attachments) from state
# first. Without the attachments in state, destroy terminates the brokers directly instead of stopping each one to
# detach its volumes: terminated instances release their non-root volumes, which are then deleted.
PROTECTED_RESOURCE = ("aws_ebs_volume", "data")
RELEASED_WITH_IT = ("aws_volume_attachment", "data")
DEFAULT_PARALLELISM = 10
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float


@dataclass(frozen=True)
class DestroyResult:
    released_volume_ids: list[str] = field(default_factory=list)
    deleted_volume_ids: list[str] = field(default_factory=list)


def _check_root(root: Path) -> Path:
    root = Path(root)
    if not root.is_dir() or not any(root.glob("*.tf")):
        raise LogpipeError(f"--root {root} is not a Terraform root (no *.tf files there)")
    return root


def terraform(root: Path, args: Sequence[str], env: Mapping[str, str], *, check: bool = True,
              stdin: str | None = None, echo: bool = False) -> Run:
    """Run `terraform ARGS` in ROOT with logpipe's CLI config added to ENV. On failure (with check) raise a
    LogpipeError carrying the command and the tail of Terraform's error output."""
    binary = terraform_binary()
    full_env = terraform_env(dict(env))
    started = time.monotonic()
    proc = subprocess.run([str(binary), *args], cwd=root, env=full_env, input=stdin, capture_output=True,
                          text=True, check=False)
    run = Run(tuple(args), proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)
    if echo:
        sys.stderr.write(proc.stdout)
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-25:])
        raise LogpipeError(f"`terraform {' '.join(args)}` in {root} failed (exit {proc.returncode}):\n{tail}")
    return run


def init_root(root: Path, env: Mapping[str, str], backend_overrides: Mapping[str, str] | None = None,
              reconfigure: bool = False) -> Run:
    """`terraform init`: with the root's backend.hcl if it has one (plus overrides such as use_path_style for an
    emulated S3), and the committed lock file kept read-only when present."""
    root = _check_root(root)
    args = ["init", "-input=false", "-no-color"]
    if (root / ".terraform.lock.hcl").is_file():
        args.append("-lockfile=readonly")
    if (root / BACKEND_CONFIG_FILE).is_file():
        args.append(f"-backend-config={BACKEND_CONFIG_FILE}")
        args += [f"-backend-config={key}={value}" for key, value in sorted((backend_overrides or {}).items())]
    elif backend_overrides:
        raise LogpipeError(f"{root} has no {BACKEND_CONFIG_FILE}, so backend overrides cannot apply")
    if reconfigure:
        args.append("-reconfigure")
    return terraform(root, args, env)


def _ensure_init(root: Path, env: Mapping[str, str], backend_overrides: Mapping[str, str] | None) -> None:
    if not (Path(root) / ".terraform").is_dir() or backend_overrides:
        init_root(root, env, backend_overrides, reconfigure=bool(backend_overrides))


def apply_root(root: Path, env: Mapping[str, str], *, parallelism: int = DEFAULT_PARALLELISM,
               var_args: Sequence[str] = (), backend_overrides: Mapping[str, str] | None = None) -> Run:
    """init (once) and `terraform apply -auto-approve`."""
    root = _check_root(root)
    _ensure_init(root, env, backend_overrides)
    return terraform(root, ["apply", "-auto-approve", "-input=false", "-no-color", f"-parallelism={parallelism}",
                            *var_args], env)


def plan_root(root: Path, env: Mapping[str, str], *, parallelism: int = DEFAULT_PARALLELISM,
              var_args: Sequence[str] = (), out: str | None = None, extra: Sequence[str] = ()) -> Run:
    """`terraform plan -detailed-exitcode`: returncode 0 = no changes, 2 = changes (1 raises)."""
    args = ["plan", "-detailed-exitcode", "-input=false", "-no-color", f"-parallelism={parallelism}", *var_args,
            *extra]
    if out:
        args.append(f"-out={out}")
    run = terraform(_check_root(root), args, env, check=False)
    if run.returncode not in (0, 2):
        tail = "\n".join((run.stderr or run.stdout).strip().splitlines()[-25:])
        raise LogpipeError(f"`terraform plan` in {root} failed (exit {run.returncode}):\n{tail}")
    return run


def output_json(root: Path, env: Mapping[str, str]) -> dict:
    """`terraform output -json` of an applied root, parsed."""
    root = _check_root(root)
    _ensure_init(root, env, None)
    run = terraform(root, ["output", "-json", "-no-color"], env)
    try:
        outputs = json.loads(run.stdout)
    except json.JSONDecodeError as exc:
        raise LogpipeError(f"`terraform output -json` in {root} printed no JSON: {exc}") from exc
    if not outputs:
        raise LogpipeError(f"{root} has no outputs in its state; run `terraform apply` there first")
    return outputs


def state_resources(root: Path, env: Mapping[str, str]) -> list[dict]:
    """Every managed resource instance in the root's state as {"address", "type", "name", "values"}, read with
    `terraform state pull` (raw state, so no provider has to start: on a loaded 2-core machine that saves minutes)."""
    state = json.loads(terraform(root, ["state", "pull"], env).stdout or "{}")
    return resources_from_state(state)


def resources_from_state(state: Mapping) -> list[dict]:
    """Flatten a raw Terraform state (format version 4) into resource instances with their addresses."""
    found: list[dict] = []
    for res in state.get("resources", []):
        if res.get("mode") != "managed":
            continue
        prefix = f"{res['module']}." if res.get("module") else ""
        for inst in res.get("instances", []):
            key = inst.get("index_key")
            suffix = "" if key is None else f"[{json.dumps(key)}]"
            found.append({"address": f"{prefix}{res['type']}.{res['name']}{suffix}", "type": res["type"],
                          "name": res["name"], "values": inst.get("attributes", {})})
    return found


def _is_emulated(env: Mapping[str, str]) -> bool:
    endpoint = env.get("AWS_ENDPOINT_URL", "")
    return bool(endpoint) and urlparse(endpoint).hostname in LOOPBACK_HOSTS


def destroy_root(root: Path, env: Mapping[str, str], *, parallelism: int = DEFAULT_PARALLELISM,
                 var_args: Sequence[str] = (), delete_data: bool = True, allow_real_aws: bool = False) -> DestroyResult:
    """Tear a root down, data volumes included. Data volumes have `prevent_destroy`, so they are first released
    from state, then everything else is destroyed, then the released volumes are deleted through the EC2 API.
    Refuses unless AWS_ENDPOINT_URL is a loopback endpoint (moto), or allow_real_aws=True."""
    root = _check_root(root)
    if not (_is_emulated(env) or allow_real_aws):
        raise LogpipeError("destroy_root deletes data volumes; it runs only against an emulated AWS "
                           "(AWS_ENDPOINT_URL on loopback) unless allow_real_aws=True")
    _ensure_init(root, env, None)
    resources = state_resources(root, env)
    protected = [r for r in resources if (r.get("type"), r.get("name")) == PROTECTED_RESOURCE]
    released = protected + [r for r in resources if (r.get("type"), r.get("name")) == RELEASED_WITH_IT]
    volume_ids = sorted(r["values"]["id"] for r in protected)
    if released:
        terraform(root, ["state", "rm", "-no-color", *sorted(r["address"] for r in released)], env)
    terraform(root, ["destroy", "-auto-approve", "-input=false", "-no-color", f"-parallelism={parallelism}",
                     *var_args], env)
    deleted: list[str] = []
    if delete_data and volume_ids:
        deleted = delete_volumes(volume_ids, env)
    return DestroyResult(released_volume_ids=volume_ids, deleted_volume_ids=deleted)


def delete_volumes(volume_ids: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """Delete detached EBS volumes through the EC2 API at env's endpoint and region."""
    import boto3

    client = boto3.client("ec2", region_name=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
                          endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
                          aws_access_key_id=env.get("AWS_ACCESS_KEY_ID"),
                          aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY"))
    # Terminated instances release their volumes asynchronously in AWS (at once in moto).
    client.get_waiter("volume_available").wait(VolumeIds=list(volume_ids),
                                               WaiterConfig={"Delay": 5, "MaxAttempts": 60})
    for volume_id in volume_ids:
        client.delete_volume(VolumeId=volume_id)
    return list(volume_ids)
