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
say "ansible-lint (production profile, .ansible-lint; offline, collections from the venv's ansible package)"
# Ansible's YAML loader takes a merge key's overrides (`{<<: *host, name: kafka-2}` in molecule.yml) for duplicate
# keys; yamllint's key-duplicates rule above is the check for real ones.
ANSIBLE_CONFIG="$PWD/ansible.cfg" ANSIBLE_DUPLICATE_YAML_DICT_KEY=ignore ansible-lint -q
say "terraform validate (every module and root, offline against the provider mirror)"
python -m logpipe.terraform.lint validate
say "tflint (bundled terraform ruleset, preset all; built from its Go module into the cache on first use)"
python -m logpipe.terraform.lint tflint
