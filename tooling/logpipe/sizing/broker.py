"""The sizing rule as pure functions over dataclasses. Every number below is explained in docs/sizing.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from logpipe.errors import LogpipeError

STORAGE_KINDS = ("instance", "ebs")

# Floors are Kafka's own defaults (num.io.threads=8, num.network.threads=3, num.replica.fetchers=1): sizing only
# ever raises a setting above what an unsized broker would run with.
IO_THREADS_FLOOR = 8
IO_THREADS_CAP = 64
# Request handler threads per data directory. Instance-store disks (d2/d3/d3en HDD spindles, i3en/i4i NVMe) each
# serve I/O independently, so give each two handlers; an EBS volume is bounded by the instance's EBS bandwidth.
IO_THREADS_PER_DISK = {"instance": 2, "ebs": 1}
NETWORK_THREADS_FLOOR = 3
NETWORK_THREADS_CAP = 16
VCPUS_PER_NETWORK_THREAD = 4
REPLICA_FETCHERS_CAP = 8
VCPUS_PER_REPLICA_FETCHER = 4
# Heap: a quarter of memory, in whole 256 MiB steps, between 256 MiB and 6 GiB. The rest is page cache, which is
# what actually serves Kafka reads; Kafka's docs run production brokers with a 6 GB heap.
HEAP_FRACTION = 4
HEAP_STEP_MIB = 256
HEAP_MIN_MIB = 256
HEAP_MAX_MIB = 6144
MEMORY_MIN_MIB = 1024
LOG_DIR_NAME = "kafka-logs"


@dataclass(frozen=True)
class BrokerHardware:
    """What Terraform knows about one broker: vCPUs and memory of its instance type, its data mount points."""

    vcpus: int
    memory_mib: int
    data_dirs: list[str] = field(default_factory=list)
    storage: str = "ebs"

    def __post_init__(self) -> None:
        validate_hardware(self)


@dataclass(frozen=True)
class BrokerSettings:
    num_io_threads: int
    num_network_threads: int
    num_replica_fetchers: int
    log_dirs: str
    heap_mb: int


def _require_int(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LogpipeError(f"broker hardware field '{name}' must be an integer, got {value!r}")
    if value < minimum:
        raise LogpipeError(f"broker hardware field '{name}' must be at least {minimum}, got {value}")


def validate_hardware(hw: BrokerHardware) -> None:
    """Raise LogpipeError naming the first bad field."""
    _require_int("vcpus", hw.vcpus, 1)
    _require_int("memory_mib", hw.memory_mib, MEMORY_MIN_MIB)
    if hw.storage not in STORAGE_KINDS:
        raise LogpipeError(f"broker hardware field 'storage' must be one of {', '.join(STORAGE_KINDS)}, "
                           f"got {hw.storage!r}")
    if not isinstance(hw.data_dirs, list | tuple) or not hw.data_dirs:
        raise LogpipeError("broker hardware field 'data_dirs' must be a non-empty list of mount points, "
                           f"got {hw.data_dirs!r}")
    seen: set[str] = set()
    for mount in hw.data_dirs:
        if not isinstance(mount, str) or not mount.startswith("/"):
            raise LogpipeError(f"broker hardware field 'data_dirs' holds {mount!r}; each entry must be an "
                               "absolute mount point such as /data/0")
        if "," in mount or any(ch.isspace() for ch in mount):
            raise LogpipeError(f"broker hardware field 'data_dirs' holds {mount!r}; mount points may not contain "
                               "commas or whitespace (log.dirs is comma-separated)")
        normal = mount.rstrip("/") or "/"
        if normal in seen:
            raise LogpipeError(f"broker hardware field 'data_dirs' lists {mount!r} twice; each disk once")
        seen.add(normal)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def log_dir_for(mount: str) -> str:
    """Kafka's directory on a data mount: a subdirectory, never the mount root (which holds lost+found)."""
    return f"{mount.rstrip('/')}/{LOG_DIR_NAME}"


def broker_settings(hw: BrokerHardware) -> BrokerSettings:
    """The sizing rule (docs/sizing.md). Deterministic; raises LogpipeError on invalid hardware."""
    validate_hardware(hw)
    disks = len(hw.data_dirs)
    io_threads = _clamp(max(hw.vcpus, IO_THREADS_PER_DISK[hw.storage] * disks), IO_THREADS_FLOOR, IO_THREADS_CAP)
    network_threads = _clamp(-(-hw.vcpus // VCPUS_PER_NETWORK_THREAD), NETWORK_THREADS_FLOOR, NETWORK_THREADS_CAP)
    replica_fetchers = _clamp(hw.vcpus // VCPUS_PER_REPLICA_FETCHER, 1, REPLICA_FETCHERS_CAP)
    heap = (hw.memory_mib // HEAP_FRACTION) // HEAP_STEP_MIB * HEAP_STEP_MIB
    heap = _clamp(heap, HEAP_MIN_MIB, HEAP_MAX_MIB)
    return BrokerSettings(
        num_io_threads=io_threads,
        num_network_threads=network_threads,
        num_replica_fetchers=replica_fetchers,
        log_dirs=",".join(log_dir_for(m) for m in hw.data_dirs),
        heap_mb=heap,
    )


def as_server_properties(settings: BrokerSettings) -> dict[str, str]:
    """The server.properties entries (heap is not one: it goes to KAFKA_HEAP_OPTS)."""
    return {
        "num.io.threads": str(settings.num_io_threads),
        "num.network.threads": str(settings.num_network_threads),
        "num.replica.fetchers": str(settings.num_replica_fetchers),
        "log.dirs": settings.log_dirs,
    }


def hardware_from_dict(facts: Mapping[str, Any]) -> BrokerHardware:
    """Build BrokerHardware from a plain mapping (Ansible host vars, Terraform output); names missing fields."""
    if not isinstance(facts, Mapping):
        raise LogpipeError(f"broker hardware must be a mapping with vcpus, memory_mib, data_dirs, storage; "
                           f"got {type(facts).__name__}")
    missing = [name for name in ("vcpus", "memory_mib", "data_dirs") if name not in facts]
    if missing:
        raise LogpipeError(f"broker hardware is missing field(s): {', '.join(missing)}")
    data_dirs = facts["data_dirs"]
    return BrokerHardware(
        vcpus=facts["vcpus"],
        memory_mib=facts["memory_mib"],
        data_dirs=list(data_dirs) if isinstance(data_dirs, list | tuple) else data_dirs,
        storage=facts.get("storage", "ebs"),
    )


def settings_as_filter_dict(settings: BrokerSettings) -> dict[str, int | str]:
    """The shape the Ansible filter returns: property names as keys, plus heap_mb."""
    return {
        "num.io.threads": settings.num_io_threads,
        "num.network.threads": settings.num_network_threads,
        "num.replica.fetchers": settings.num_replica_fetchers,
        "log.dirs": settings.log_dirs,
        "heap_mb": settings.heap_mb,
    }
