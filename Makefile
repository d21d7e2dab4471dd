# cspsim: the two commands are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Python 3.12 is required (Mesa 3.5). Use python3.12 from PATH, else a pyenv install.
PYTHON312 := $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && { echo $$p; break; }; done)
STAMP := $(VENV)/.installed
export MPLBACKEND := Agg

.PHONY: demo test test-all venv viz lint format bench clean chromium slurm

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON312)" ]; then echo "error: Python 3.12 not found (needed by Mesa 3.5); install python3.12" >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

## make demo: every strategy on San Francisco 2012 over several seeds -> table + report in results/demo
demo: $(STAMP)
	$(VENV)/bin/cspsim-demo --out results/demo

## make test: the fast test suite (browser and local-SLURM tests included; installs Debian
## chromium and slurm-wlm if missing)
test: $(STAMP) chromium slurm
	$(VENV)/bin/pytest -q -n 2

## make test-all: also the slow tests (full validation, large cities)
test-all: $(STAMP) chromium slurm
	$(VENV)/bin/pytest -q -n 2 -m "slow or not slow"

# chromium and slurm are installed when apt-get can (they are in Debian's main archive); when
# it cannot (no network or package mirror, no sudo) a warning is printed and `make test` goes
# on: the browser and cluster tests then skip, with the reason, and the rest of the suite runs.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian chromium for the browser test"; \
		if [ "$$(id -u)" = "0" ]; then SUDO=; else SUDO=sudo; fi; \
		{ $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; } \
		|| echo "warning: could not install chromium with apt-get; the browser tests (tests/test_viz_browser.py) will be skipped" >&2; }

# Debian's SLURM for the cluster tests (tools/slurm-local.sh starts a single-node cluster).
slurm:
	@tools/slurm-local.sh install \
		|| echo "warning: could not install SLURM (slurmctld slurmd slurm-client munge) with apt-get; the cluster tests (tests/test_cluster.py) will be skipped" >&2

viz: $(STAMP)
	$(VENV)/bin/cspsim-viz --host 127.0.0.1 --port 8765

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

format: $(STAMP)
	$(VENV)/bin/ruff format src tests benchmarks
	$(VENV)/bin/ruff check --fix src tests benchmarks

bench: $(STAMP)
	$(PY) benchmarks/bench_speed.py

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache
