# Forumbot developer tasks. GNU make; needs python3 (3.11+), node 20+ and npm on PATH.
#   make install   Python venv + editable install with test extras, and the npm validators
#   make run       install, migrate the local database, serve on 127.0.0.1:3978
#   make test      lint, types, then pytest on SQLite and a throwaway PostgreSQL (scripts/pg-test-cluster.sh)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
NPM ?= npm
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
PG_CLUSTER := scripts/pg-test-cluster.sh

PIP_STAMP := $(VENV)/.forumbot-pip-stamp
NPM_STAMP := node_modules/.forumbot-npm-stamp

.PHONY: help venv install migrate run lint types test package bench clean distclean

help:
	@echo "targets: install run migrate lint types test package bench clean distclean"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when pyproject.toml changes (or the venv is new).
$(PIP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# npm ci wipes node_modules, so the stamp lives inside it and vanishes with it.
$(NPM_STAMP): package-lock.json package.json
	$(NPM) ci --no-audit --no-fund
	touch $@

venv: $(PIP_STAMP)

install: $(PIP_STAMP) $(NPM_STAMP)

migrate: $(PIP_STAMP)
	$(BIN)/forumbot migrate

run: install migrate
	$(BIN)/forumbot serve

lint: $(PIP_STAMP)
	$(BIN)/ruff check .

types: $(PIP_STAMP)
	$(BIN)/mypy

# The cluster is stopped on every exit path (failure, Ctrl-C); pytest's status is kept, and
# "no tests collected" (exit 5) counts as a failure.
test: install lint types
	@url="$$($(PG_CLUSTER) start)" || { echo "make test: could not start PostgreSQL" >&2; exit 1; }; \
	trap '$(PG_CLUSTER) stop' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP; \
	echo "make test: PostgreSQL at $$url"; \
	status=0; \
	FORUMBOT_TEST_POSTGRES_URL="$$url" $(BIN)/pytest $(PYTEST_ARGS) || status=$$?; \
	if [ "$$status" -eq 5 ]; then echo "make test: pytest collected no tests" >&2; status=1; fi; \
	exit $$status

package: $(PIP_STAMP)
	$(BIN)/forumbot package

bench: $(PIP_STAMP)
	@shopt -s nullglob; scripts=(bench/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "make bench: no bench/*.py scripts yet"; exit 0; fi; \
	for script in "$${scripts[@]}"; do \
		case "$$(basename "$$script")" in _*) continue ;; esac; \
		echo "== $$script"; \
		$(BIN)/python "$$script" || exit $$?; \
	done

clean:
	-$(PG_CLUSTER) stop
	rm -rf .pytest_cache .mypy_cache .ruff_cache dist build
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -print0 \
		| xargs -0 rm -rf
	rm -f $(PIP_STAMP) $(NPM_STAMP)

distclean: clean
	rm -rf $(VENV) node_modules *.egg-info
