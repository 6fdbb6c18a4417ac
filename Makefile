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

typecheck: $(STAMP)
	$(BIN)/pyright lepton_infra

# Offline once installed: the tests that need the network (marked `network`) run in `make test-network`.
test: $(STAMP) lint typecheck
	$(BIN)/pytest -n 2 -m "not network"

test-network: $(STAMP)
	$(BIN)/pytest -m network

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
