# Forumbot developer tasks. GNU make; needs python3 (3.11+). Only `make test`/`make install` need Node.js 20+ and npm.
#   make run       Python venv from requirements/runtime.lock, migrate the local database, serve on 127.0.0.1:3978
#   make test      test tools from requirements/test.lock and the npm validators; lint (ruff, hadolint), types,
#                  then pytest on SQLite and a throwaway PostgreSQL (scripts/pg-test-cluster.sh)
#   make install   the test venv and the npm validators, without running anything
#   make lock      regenerate requirements/*.lock from pyproject.toml (with uv; needs the package index)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
NPM ?= npm
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
PG_CLUSTER := scripts/pg-test-cluster.sh

RUNTIME_LOCK := requirements/runtime.lock
TEST_LOCK := requirements/test.lock
# uv only compiles the lock files (`make lock`); nothing installs with it. LOCK_ARGS=--upgrade (or
# "--upgrade-package NAME") moves pins forward; without it the existing pins are kept where they still fit.
UV_VERSION := 0.13.8
LOCK_ARGS ?=
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml requirements/build.in --universal --python-version 3.11 \
	--generate-hashes --native-tls --custom-compile-command "make lock" --quiet $(LOCK_ARGS)

RUN_STAMP := $(VENV)/.forumbot-run-stamp
PIP_STAMP := $(VENV)/.forumbot-pip-stamp
NPM_STAMP := node_modules/.forumbot-npm-stamp
# pip installs exactly the locked versions (hash-checked), then forumbot itself without dependencies and
# without an isolated build environment: setuptools and wheel come from the lock too.
PIP_INSTALL = $(BIN)/python -m pip install --quiet --require-hashes
PIP_INSTALL_SELF = $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .

.PHONY: help venv install lock migrate run lint types test package bench clean distclean

help:
	@echo "targets: run test install lock migrate lint types package bench clean distclean"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when a lock file or pyproject.toml changes (or the venv is new). `make run` needs only the
# runtime set; the test set is a superset of it (same pins), so a venv made by either serves both.
$(RUN_STAMP): $(RUNTIME_LOCK) pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -r $(RUNTIME_LOCK)
	$(PIP_INSTALL_SELF)
	touch $@

$(PIP_STAMP): $(TEST_LOCK) $(RUNTIME_LOCK) pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -r $(TEST_LOCK)
	$(PIP_INSTALL_SELF)
	touch $@ $(RUN_STAMP)

# npm ci wipes node_modules, so the stamp lives inside it and vanishes with it.
$(NPM_STAMP): package-lock.json package.json
	$(NPM) ci --no-audit --no-fund
	touch $@

venv: $(PIP_STAMP)

install: $(PIP_STAMP) $(NPM_STAMP)

# The runtime lock first, then the test lock constrained to it, so both pin the same versions.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV_COMPILE) -o $(RUNTIME_LOCK)
	$(UV_COMPILE) --extra test -c $(RUNTIME_LOCK) -o $(TEST_LOCK)

migrate: $(RUN_STAMP)
	$(BIN)/forumbot migrate

# No Node.js here: the npm validators are only for `make test`.
run: migrate
	$(BIN)/forumbot serve

lint: $(PIP_STAMP)
	$(BIN)/ruff check .
	$(BIN)/hadolint Dockerfile

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

package: $(RUN_STAMP)
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
	rm -f $(RUN_STAMP) $(PIP_STAMP) $(NPM_STAMP)

distclean: clean
	rm -rf $(VENV) node_modules *.egg-info
