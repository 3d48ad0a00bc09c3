#!/usr/bin/env bash
# The body of `make test` (after set-up and lint). Real components throughout: Kafka, Terraform against moto,
# podman hosts with systemd. Two pytest runs share the two cores, because each spends much of its time waiting on
# processes of its own (terraform and moto; ansible and the hosts):
#   fast:  unit, real-Kafka integration and Terraform tests (terraform tests work on a copy of terraform/);
#   hosts: every molecule scenario (consul_haproxy, kafka, pipeline), then the lab (make lab's hosts) with its
#          tests and the quick fault scenarios. The long fault scenarios run with `make faults-long` (CI runs it
#          after this, on the lab this keeps when LOGPIPE_KEEP_LAB=1) and `make faults`.
# Extra arguments go to both runs. The fast run's output is printed when it ends, not interleaved.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export LOGPIPE_MOLECULE_SCENARIOS="${LOGPIPE_MOLECULE_SCENARIOS:-all}"
start=$(date +%s)
fast_log=$(mktemp -t logpipe-test-fast.XXXXXX)
trap 'rm -f "$fast_log"' EXIT

set +e
pytest -p no:cacheprovider --durations=10 "$@" tests/unit tests/integration tests/terraform >"$fast_log" 2>&1 &
fast_pid=$!
pytest -p no:cacheprovider --durations=0 -m "not faults or faults_quick" "$@" tests/molecule tests/lab tests/faults
hosts_rc=$?
wait "$fast_pid"
fast_rc=$?
set -e

echo "==================== unit, integration and Terraform tests ===================="
cat "$fast_log"
echo "make test: unit/integration/terraform exited $fast_rc; molecule/lab/faults exited $hosts_rc;" \
     "$(( $(date +%s) - start ))s"
(( fast_rc == 0 && hosts_rc == 0 ))
