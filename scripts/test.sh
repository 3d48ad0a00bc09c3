#!/usr/bin/env bash
# The body of `make test` (after set-up and lint): one pytest run, cheapest tests first, so a broken unit
# fails in seconds. Real components throughout: Kafka, Terraform against moto, podman hosts with systemd.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
start=$(date +%s)
set +e
pytest -p no:cacheprovider "$@" \
  tests/unit \
  tests/integration \
  tests/terraform \
  tests/molecule
rc=$?
set -e
echo "make test: pytest exited $rc after $(( $(date +%s) - start ))s"
exit $rc
