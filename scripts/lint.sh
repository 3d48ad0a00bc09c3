#!/usr/bin/env bash
# The body of `make lint`: every static gate, each named as it runs. Exits non-zero on the first finding.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "ruff"
ruff check tooling tests benchmarks ansible
say "yamllint"
yamllint roles ansible inventories molecule
say "terraform validate (every module and root, offline against the provider mirror)"
python -m logpipe.terraform.lint validate
say "tflint (bundled terraform ruleset, preset all; built from its Go module into the cache on first use)"
python -m logpipe.terraform.lint tflint
