"""The negative control of scenario 6: a second Filebeat process on the producer with inode+device file identity
(`file_identity.native`), its own config, data directory and paths, run as a transient systemd unit and removed
on exit. The managed Filebeat (roles/filebeat) never gets this setting (docs/decisions/0090)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from logpipe.console import progress
from logpipe.faults.host import sh
from logpipe.faults.process import wait_active

UNIT = "logpipe-filebeat-native-control"
CONFIG_DIR = "/etc/logpipe-filebeat-native-control"
DATA_DIR = "/var/lib/logpipe-filebeat-native-control"
LOG_DIR = "/var/log/app-native-control"  # outside the managed inputs' globs: only the control reads it
HTTP_PORT = 5067


def native_identity_config(paths: list[str], fields: Mapping[str, str], output: str) -> str:
    """filebeat.yml of the control: like the managed one (memory queue, pipelining 0) but native identity."""
    config = {
        "filebeat.inputs": [{
            "type": "filestream", "id": "native-identity-control", "paths": paths, "fields": dict(fields),
            # The point of the control: identity by inode+device, the setting that loses first lines.
            "file_identity.native": None,
            "prospector.scanner.fingerprint.enabled": False,
            # Keep the deleted file's state, as a registry does whenever the successor appears before the next
            # scan: the recreated file then inherits the old offset.
            "clean_removed": False,
            # Close the shipped file soon (the managed Filebeat waits 5 min) so the control stays quick.
            "close.on_state_change.inactive": "5s",
            "prospector.scanner.check_interval": "1s",
        }],
        "queue.mem": {"events": 4096, "flush.min_events": 512, "flush.timeout": "1s"},
        "path.data": DATA_DIR,
        "filebeat.registry.flush": "1s",
        "output.logstash": {"hosts": [output], "pipelining": 0, "timeout": "30s"},
        "http": {"enabled": True, "host": "127.0.0.1", "port": HTTP_PORT},
    }
    return json.dumps(config, indent=2)  # JSON is YAML


@contextmanager
def native_identity_filebeat(host: str, fields: Mapping[str, str], output: str = "127.0.0.1:5044") -> Iterator[str]:
    """Run the control Filebeat on `host` reading LOG_DIR/*.log; yields LOG_DIR. Everything is removed on exit."""
    config = native_identity_config([f"{LOG_DIR}/*.log"], fields, output)
    try:
        sh(host, f"mkdir -p {CONFIG_DIR} {DATA_DIR} {LOG_DIR} && cat > {CONFIG_DIR}/filebeat.yml <<'EOF'\n"
                 f"{config}\nEOF\nchmod 600 {CONFIG_DIR}/filebeat.yml")
        home = sh(host, "dirname $(readlink -f $(command -v filebeat))")
        sh(host, f"systemd-run --unit={UNIT} --collect {home}/filebeat -e -c {CONFIG_DIR}/filebeat.yml "
                 f"--path.home {home} --path.data {DATA_DIR}")
        wait_active(host, UNIT, timeout=60)
        progress(f"control Filebeat with native file identity running on {host} ({UNIT})")
        yield LOG_DIR
    finally:
        sh(host, f"systemctl stop {UNIT}; rm -rf {CONFIG_DIR} {DATA_DIR} {LOG_DIR}", check=False)
        progress(f"control Filebeat stopped and removed from {host}")
