# The README's two commands. Both create .venv and install everything on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: plan test test-network bench lint typecheck clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[aws,gcp,azure,dev]"
	touch $(STAMP)

plan: $(STAMP)
	$(BIN)/lepton-infra plan stacks/platform --stack aws-dev

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# PYRIGHT_PYTHON_IGNORE_WARNINGS: the pyright wrapper otherwise asks PyPI for its latest version on every
# run (a network call; `make test` stays offline once installed). The larger Node heap: at the default
# (~4 GB) pyright empties its type cache several times while it checks lepton_infra against the three cloud
# SDKs and then evaluates those types again; with room for them it needed about a third less CPU (measured
# 2026-12-07, peak 4.2 GB resident).
typecheck: $(STAMP)
	PYRIGHT_PYTHON_IGNORE_WARNINGS=1 NODE_OPTIONS=--max-old-space-size=8192 $(BIN)/pyright lepton_infra

# Offline once installed: the tests that need the network (marked `network`) run in `make test-network`.
test: $(STAMP) lint typecheck
	$(BIN)/pytest -n 2 -m "not network"

test-network: $(STAMP)
	$(BIN)/pytest -m network

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
