#!/usr/bin/env bash
# Run one molecule scenario on the shared base: scripts/molecule.sh SCENARIO [ACTION]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
scenario=${1:?usage: scripts/molecule.sh SCENARIO [test|converge|verify|destroy|...]}
action=${2:-test}
cd "$here"
LOGPIPE_HOST_IMAGE=$(.venv/bin/logpipe image tag)
LOGPIPE_ARTIFACTS=$(.venv/bin/python -c 'from logpipe.paths import artifact_dir; print(artifact_dir())')
LOGPIPE_SSH_KEY=$(.venv/bin/logpipe ssh-key)
# The key mount and SSH options, as logpipe.lab.ssh gives them to the lab: one definition for both.
LOGPIPE_SSH_VOLUME=$(.venv/bin/python -c 'from logpipe.lab.ssh import authorized_keys_volume; print(authorized_keys_volume())')
LOGPIPE_SSH_ARGS=$(.venv/bin/python -c 'from logpipe.lab.ssh import LAB_SSH_ARGS; print(LAB_SSH_ARGS)')
export LOGPIPE_HOST_IMAGE LOGPIPE_ARTIFACTS LOGPIPE_SSH_KEY LOGPIPE_SSH_VOLUME LOGPIPE_SSH_ARGS
export PATH="$here/.venv/bin:$PATH"
# The scenario's network, on the /24 of its hosts' fixed addresses (molecule's schema has no subnet setting).
read -r network subnet < <(python3 -c '
import sys, ipaddress, yaml
first = yaml.safe_load(open(sys.argv[1]))["platforms"][0]
print(first["network"], ipaddress.ip_network(first["ip"] + "/24", strict=False))' "molecule/$scenario/molecule.yml")
if podman network exists "$network" &&
   [[ $(podman network inspect -f '{{range .Subnets}}{{.Subnet}} {{end}}' "$network") != "$subnet " ]]; then
  podman network rm -f "$network" >/dev/null  # made by an older molecule run on another subnet
fi
podman network exists "$network" || podman network create --subnet "$subnet" "$network" >/dev/null
exec molecule -c molecule/shared/base.yml "$action" -s "$scenario"
