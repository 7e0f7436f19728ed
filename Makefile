# The two commands of the README: `make test` and `make demo`. Everything they need is installed here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
BENCH_VENV := bench/.venv

.PHONY: test lint types unit clients docs docs-examples demo bench load clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

lint: venv
	$(BIN)/ruff check .

types: venv
	$(BIN)/mypy --strict pyst

unit: venv clients
	rm -f .coverage .coverage.*
	COVERAGE_PROCESS_START=$(CURDIR)/pyproject.toml $(BIN)/coverage run -m pytest -n auto -p no:cacheprovider $(PYTEST_ARGS)
	$(BIN)/coverage combine -q
	$(BIN)/coverage report

# Clients in other languages, for tests/integration/test_other_language_clients.py: Node's
# asterisk-manager (npm, version locked in tests/clients/node) and Perl's Asterisk::AGI and
# Asterisk::Manager (Debian's libasterisk-agi-perl, installed when Perl lacks them and this is
# a root shell with apt-get). Where one cannot be had, its tests skip and name what is missing.
NODE_CLIENTS := tests/clients/node/node_modules/.installed

clients: $(NODE_CLIENTS)
	@perl -MAsterisk::AGI -MAsterisk::Manager -e1 2>/dev/null \
	  || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
	       && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	          libasterisk-agi-perl >/dev/null; } \
	  || echo "note: Perl's Asterisk::AGI/Manager are not installed: their tests will skip"

$(NODE_CLIENTS): tests/clients/node/package.json tests/clients/node/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd tests/clients/node && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed \
	  || echo "note: npm ci failed: the Node client tests will skip"; \
	else echo "note: npm is not installed: the Node client tests will skip"; fi

# The documentation: user guide, scenario reference and API reference, into build/site.
# --strict: any warning (a broken link or anchor, a docstring that cannot be read) fails.
docs: venv
	$(BIN)/mkdocs build --strict

# Run the code examples of README.md and docs/ (marked with <!-- run --> & co.).
docs-examples: venv
	$(BIN)/python docs/check_examples.py

test: lint types unit docs

# The main job: the IVR scenario end to end (each call in-process, as a stdin AGI script and
# over FastAGI), then one call's transcript, then real Asterisk traffic read by the cores.
demo: venv
	$(BIN)/pytest -p no:cacheprovider --pyst-scenario scenarios/ivr.yaml -v
	$(BIN)/pyst-sim agi --callerid 5551234 --dtmf 2 --seed 7 scenarios/demo_apps/ivr.py
	$(BIN)/python -m pyst_sim.demo

$(BENCH_VENV)/.installed: bench/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install -q -r bench/requirements.txt
	$(BENCH_VENV)/bin/python -m pip install -q -e .
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python -m bench

# The fake AMI server's load tests at the sizes of its issue (200 clients x 1,000 Pings;
# 100,000 UserEvents to 50 listeners), counted, nothing lost: about 10 s, but most of a minute
# under coverage, so `make test` runs them at reduced sizes.
load: venv
	PYST_SIM_FULL_LOAD=1 $(BIN)/pytest -p no:cacheprovider -v tests/integration/test_fake_ami_load.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) .coverage .coverage.* .mypy_cache .ruff_cache .pytest_cache build/site
