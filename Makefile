# statementpress: `make build` builds every edition of every source; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint setup benchmark release clean

# Shards of `make release`; .github/workflows/release.yml has one matrix job per shard.
SHARDS := 2

# System packages first: creating the venv may itself need one (python3-venv).
build:
	scripts/system-deps.sh build
	$(MAKE) --no-print-directory $(STAMP)
	$(BIN)/statementpress build

# The whole suite, after the same lint a commit gets (see lint).
test:
	scripts/system-deps.sh test
	$(MAKE) --no-print-directory $(STAMP)
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest

# ruff (lint and format) and mypy, with the versions pinned in pyproject's test extra.
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# Pandoc (for the pipeline it is compared with) is the benchmark's own dependency, not the tests'.
# BENCH_ARGS=--quick tries it out in a few minutes.
benchmark:
	scripts/system-deps.sh build
	scripts/bench-deps.sh
	$(MAKE) --no-print-directory $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

setup:
	scripts/system-deps.sh build
	$(MAKE) --no-print-directory $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "statementpress needs Python 3.11 or newer: run make with PYTHON=python3.11 (or newer)" >&2; exit 1; }
	test -x $(BIN)/pip || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,sign]'
	touch $(STAMP)

# The release pipeline of .github/workflows/release.yml, run here: every shard one after
# another, then the merge, into dist/ (scripts/release.sh holds the steps).
define release_shard
	scripts/release.sh shard $(1) $(SHARDS) shards/shard-$(1)

endef

release:
	$(MAKE) --no-print-directory setup
	rm -rf dist shards
	$(foreach k,$(shell seq 1 $(SHARDS)),$(call release_shard,$(k)))
	scripts/release.sh merge dist shards/shard-*
	scripts/release.sh assets dist

clean:
	rm -rf build dist shards .pytest_cache
