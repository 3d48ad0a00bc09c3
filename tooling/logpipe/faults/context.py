"""The lab as the fault scenarios see it: which hosts play which part, where Kafka is, which topic the test
stream lands in (from the lab inventory, not repeated here)."""

from __future__ import annotations

from dataclasses import dataclass

from logpipe.errors import LogpipeError
from logpipe.lab.state import LabState, endpoints


@dataclass(frozen=True)
class LabContext:
    bootstrap: str
    ips: dict[str, str]  # host -> IP, every lab host
    producer: str
    logmasters: tuple[str, ...]
    brokers: tuple[str, ...]
    access_topic: str
    dead_letter_topic: str

    @classmethod
    def from_state(cls, state: LabState) -> LabContext:
        import yaml

        from logpipe.lab.cli import LAB_INVENTORY
        from logpipe.lab.traffic import lab_streams

        def group(name: str) -> tuple[str, ...]:
            return tuple(sorted(h for h, e in state.hosts.items() if name in e["groups"]))

        producers, logmasters, brokers = group("producers"), group("logmasters"), group("kafka_brokers")
        if not (producers and logmasters and brokers):
            raise LogpipeError("the lab is not up (no producer, logmaster or broker hosts): run `make lab`")
        routing = yaml.safe_load((LAB_INVENTORY / "group_vars" / "all.yml").read_text())["logmaster_routing_table"]
        access = [s["topic"] for s in lab_streams(0) if "/access" in s["path"]]
        if not access:
            raise LogpipeError("lab_smoke_streams in inventories/lab/group_vars/all.yml names no access*.log stream")
        return cls(bootstrap=endpoints(state)["kafka_bootstrap"],
                   ips={h: e["ip"] for h, e in state.hosts.items()}, producer=producers[0],
                   logmasters=logmasters, brokers=brokers, access_topic=access[0],
                   dead_letter_topic=routing["dead_letter_topic"])
