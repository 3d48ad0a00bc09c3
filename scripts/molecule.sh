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
export LOGPIPE_HOST_IMAGE LOGPIPE_ARTIFACTS LOGPIPE_SSH_KEY
export PATH="$here/.venv/bin:$PATH"
exec molecule -c molecule/shared/base.yml "$action" -s "$scenario"
