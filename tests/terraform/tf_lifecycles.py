"""One root's whole life against its own moto server: apply, re-plan with no changes, inventory from outputs,
the root's extra check (instance-type replacement keeps volumes; a held S3 lock blocks a second plan), destroy.
Returns plain data for the tests to assert on; raises on any terraform failure."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logpipe.errors import LogpipeError
from logpipe.inventory import inventory_from_outputs
from logpipe.terraform.runner import (
    apply_root,
    destroy_root,
    output_json,
    plan_root,
    state_resources,
    terraform,
    terraform_binary,
)
from logpipe.terraform.config import terraform_env

PARALLELISM = 16
LOCK_WAIT_SECONDS = 300


@dataclass
class Outcome:
    root: str
    region: str
    plan_after_apply: int = -1
    plan_after_apply_text: str = ""
    inventory: dict = field(default_factory=dict)
    instances: dict[str, dict] = field(default_factory=dict)  # instance id -> EC2's view
    volumes_by_key: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    released: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    left_after_destroy: dict[str, list[str]] = field(default_factory=dict)


def backend_bucket(root: Path) -> str | None:
    backend = root / "backend.hcl"
    if not backend.is_file():
        return None
    for line in backend.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "bucket":
            return value.strip().strip('"')
    raise LogpipeError(f"{backend} names no bucket")


def describe_instances(moto, ids: list[str]) -> dict[str, dict]:
    ec2 = moto.client("ec2")
    found: dict[str, dict] = {}
    for reservation in ec2.describe_instances(InstanceIds=ids)["Reservations"]:
        for inst in reservation["Instances"]:
            found[inst["InstanceId"]] = {
                "private_ip": inst.get("PrivateIpAddress"), "az": inst["Placement"]["AvailabilityZone"],
                "state": inst["State"]["Name"], "tags": {t["Key"]: t["Value"] for t in inst.get("Tags", [])},
                "instance_type": inst["InstanceType"], "imds_tokens": inst.get("MetadataOptions", {}).get("HttpTokens"),
            }
    return found


def volume_attachments(moto, volume_ids: list[str]) -> dict[str, dict]:
    ec2 = moto.client("ec2")
    out = {}
    for vol in ec2.describe_volumes(VolumeIds=volume_ids)["Volumes"]:
        att = vol.get("Attachments") or [{}]
        out[vol["VolumeId"]] = {"instance_id": att[0].get("InstanceId"), "device": att[0].get("Device"),
                                "encrypted": vol["Encrypted"], "kms_key_id": vol.get("KmsKeyId"),
                                "type": vol["VolumeType"], "az": vol["AvailabilityZone"]}
    return out


def run(root_name: str, root: Path, moto, timings: dict[str, dict[str, float]]) -> Outcome:
    env = moto.env()
    out = Outcome(root=root_name, region=moto.region)
    steps = timings.setdefault(root_name, {})
    overrides = None
    bucket = backend_bucket(root)
    if bucket:
        s3 = moto.client("s3")
        kwargs = {} if moto.region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": moto.region}}
        s3.create_bucket(Bucket=bucket, **kwargs)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        # moto answers on one loopback host, so the bucket goes in the path; no other test-only backend setting.
        overrides = {"use_path_style": "true"}

    started = time.monotonic()
    apply_root(root, env, parallelism=PARALLELISM, backend_overrides=overrides)
    steps["apply"] = time.monotonic() - started

    started = time.monotonic()
    plan = plan_root(root, env, parallelism=PARALLELISM)
    steps["plan"] = time.monotonic() - started
    out.plan_after_apply, out.plan_after_apply_text = plan.returncode, plan.stdout[-4000:]

    outputs = output_json(root, env)
    out.inventory = inventory_from_outputs(outputs)
    out.volumes_by_key = outputs["data_volume_ids"]["value"]
    ids = [h["instance_id"] for g in out.inventory["all"]["children"].values() for h in g["hosts"].values()]
    out.instances = describe_instances(moto, ids)
    out.extra["volumes"] = volume_attachments(moto, list(out.volumes_by_key.values())) if out.volumes_by_key else {}

    if root_name == "us-east-1":
        out.extra["replacement"] = replace_instance_type(root, env, moto, steps, out)
    if root_name == "eu-west-1" and bucket:
        out.extra["lock"] = held_lock_blocks_plan(root, env, moto, bucket)

    started = time.monotonic()
    result = destroy_root(root, env, parallelism=PARALLELISM)
    steps["destroy"] = time.monotonic() - started
    out.released, out.deleted = result.released_volume_ids, result.deleted_volume_ids
    ec2 = moto.client("ec2")
    alive = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
             if i["State"]["Name"] not in ("terminated", "shutting-down")]
    out.left_after_destroy = {
        "instances": alive,
        "volumes": [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]
                    if any(t["Key"] == "Role" and t["Value"] == "kafka_data" for t in v.get("Tags", []))],
        "state_resources": [r["address"] for r in state_resources(root, env)],
    }
    return out


def replace_instance_type(root: Path, env: dict, moto, steps: dict, out: Outcome) -> dict:
    """Change the broker instance type: the plan must replace every broker and destroy no data volume; after
    applying it, the same volumes are attached to the new instances."""
    new_type = "r6i.4xlarge"
    var_args = [f"-var=broker_instance_type={new_type}"]
    plan = plan_root(root, env, parallelism=PARALLELISM, var_args=var_args, out="replace.tfplan")
    shown = json.loads(terraform(root, ["show", "-json", "replace.tfplan"], env).stdout)
    changes = {c["address"]: c["change"]["actions"] for c in shown.get("resource_changes", [])}
    before = {k: v["instance_id"] for k, v in out.extra["volumes"].items()}
    started = time.monotonic()
    terraform(root, ["apply", "-input=false", "-no-color", f"-parallelism={PARALLELISM}", "replace.tfplan"], env)
    steps["replace_apply"] = time.monotonic() - started
    after_outputs = output_json(root, env)
    after = volume_attachments(moto, list(out.volumes_by_key.values()))
    brokers_after = after_outputs["brokers"]["value"]
    # Leave the root as configured so destroy sees the committed configuration's state.
    return {"plan_rc": plan.returncode, "changes": changes, "attached_before": before,
            "volumes_after": after, "volume_ids_after": after_outputs["data_volume_ids"]["value"],
            "brokers_after": brokers_after, "new_type": new_type,
            "types_after": {i: d["instance_type"] for i, d in describe_instances(
                moto, [b["instance_id"] for b in brokers_after.values()]).items()}}


def held_lock_blocks_plan(root: Path, env: dict, moto, bucket: str) -> dict:
    """Hold the S3 lock with an apply that waits at its approval prompt; a second plan must fail on the lock;
    answering 'no' releases it and a plan then succeeds."""
    s3 = moto.client("s3")
    full_env = terraform_env(env)
    holder = subprocess.Popen([str(terraform_binary()), "apply", "-no-color", "-input=true", "-lock-timeout=0s",
                               f"-parallelism={PARALLELISM}", "-var=broker_instance_type=d3.4xlarge"],
                              cwd=root, env=full_env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    lock_keys: list[str] = []
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while time.monotonic() < deadline and holder.poll() is None:
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
            lock_keys = [k for k in keys if k.endswith(".tflock")]
            if lock_keys:
                break
            time.sleep(0.5)
        if not lock_keys:
            raise LogpipeError("the holding apply never wrote a .tflock object to the state bucket")
        lock_body = json.loads(s3.get_object(Bucket=bucket, Key=lock_keys[0])["Body"].read())
        blocked = terraform(root, ["plan", "-no-color", "-input=false", "-lock-timeout=0s"], env, check=False)
    finally:
        stdout, stderr = holder.communicate("no\n", timeout=LOCK_WAIT_SECONDS)
    keys_after = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    free = plan_root(root, env, parallelism=PARALLELISM, extra=["-lock-timeout=0s"])
    return {"lock_keys": lock_keys, "lock_body": lock_body, "blocked_rc": blocked.returncode,
            "blocked_stderr": blocked.stderr, "holder_rc": holder.returncode, "holder_out": stdout[-2000:] + stderr,
            "keys_after": keys_after, "free_plan_rc": free.returncode}
