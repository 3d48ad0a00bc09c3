# The two entry points are `make lab` and `make test`; each does all of its own set-up.
SHELL := /bin/bash
export LOGPIPE_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/logpipe
VENV := .venv/bin
LOGPIPE := $(VENV)/logpipe

.PHONY: molecule lab test faults faults-long bootstrap setup lint lab-down clean

bootstrap:
	@scripts/bootstrap.sh

# Host image, artifact cache and Terraform CLI config: all cached, rebuilt only when a pin changes.
setup: bootstrap
	@$(LOGPIPE) image build
	@$(LOGPIPE) artifacts build
	@$(LOGPIPE) terraform-config

lab: setup
	@$(LOGPIPE) lab up
	@$(LOGPIPE) lab smoke

lab-down: bootstrap
	@$(LOGPIPE) lab down

lint: bootstrap
	@scripts/lint.sh

test: setup lint
	@scripts/test.sh

# Only the molecule scenarios (consul_haproxy, kafka, pipeline; make test runs them too).
molecule: setup
	@$(VENV)/pytest -p no:cacheprovider tests/molecule

# The fault suite of shared/reliability.md (docs/faults.md); ends with a lost / duplicates / recovery table.
# `-m "faults and faults_quick"` runs only the ones make test runs.
faults: setup
	@$(VENV)/pytest -p no:cacheprovider -m faults tests/faults

# The fault scenarios `make test` leaves out (2, 3, 4, 5-control, 6 and 7: minutes of fault each); CI runs them after make test.
faults-long: setup
	@$(VENV)/pytest -p no:cacheprovider --durations=0 -m "faults and not faults_quick" tests/faults

clean:
	rm -f .venv
