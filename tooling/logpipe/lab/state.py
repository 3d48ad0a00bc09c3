"""What `lab up` created, so that `status` can report it and `down` removes exactly that."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from logpipe.paths import cache_dir


@dataclass
class LabState:
    name: str = "lab"
    network: str = "logpipe-lab"
    moto_pid: int | None = None
    moto_port: int | None = None
    terraform_applied: bool = False
    hosts: dict[str, dict] = field(default_factory=dict)  # host -> {"ip": .., "groups": [..]}

    @staticmethod
    def directory(name: str = "lab") -> Path:
        path = cache_dir() / "labs" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @classmethod
    def load(cls, name: str = "lab") -> LabState:
        path = cls.directory(name) / "state.json"
        if path.exists():
            return cls(**json.loads(path.read_text()))
        return cls(name=name)

    def save(self) -> None:
        (self.directory(self.name) / "state.json").write_text(json.dumps(asdict(self), indent=2, sort_keys=True))

    def forget(self) -> None:
        (self.directory(self.name) / "state.json").unlink(missing_ok=True)


def endpoints(state: LabState) -> dict[str, str]:
    """Where the lab's services answer: Kafka bootstrap servers, Consul HTTP, the moto server."""
    def hosts_in(group: str) -> list[str]:
        return sorted(h for h, e in state.hosts.items() if group in e["groups"])

    return {
        "kafka_bootstrap": ",".join(f"{state.hosts[h]['ip']}:9092" for h in hosts_in("kafka_brokers")),
        "consul_http": ",".join(f"http://{state.hosts[h]['ip']}:8500" for h in hosts_in("consul_servers")),
        "moto": f"http://127.0.0.1:{state.moto_port}" if state.moto_port else "",
    }
