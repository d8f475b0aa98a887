# The two commands a newcomer needs: `make run` and `make test`.
# Everything else (interpreter, venv, pinned packages, training) happens on the way.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB_STAMP := web/node_modules/.installed
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
# Pango and a font, which WeasyPrint draws the summary's PDF with (bot/summary/pdf.py).
PDF_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
PANGO := $(or $(wildcard /usr/lib/*/libpangoft2-1.0.so.0),/usr/lib/$(shell uname -m)-linux-gnu/libpangoft2-1.0.so.0)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
export PYTHONPATH := $(CURDIR)
# Rasa's telemetry would try to reach the internet.
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help setup train run cluster shell test unit format lint validate lock bench soak chaos clean audit forget-old

help:
	@echo "make run    - set up, train if needed, start the assistant (chat page :8080, REST :5005)"
	@echo "make test   - set up, train if needed, run the whole test suite"
	@echo "make shell  - talk to the assistant in the terminal"
	@echo "make cluster - 2 Rasa + 2 action servers behind nginx on :8000 (PostgreSQL, Redis)"
	@echo "make train  - train the model (skipped when no training input changed)"
	@echo "make unit   - the fast tests (no servers, no model, none marked slow)"
	@echo "make format - format the code and sort imports in place"
	@echo "make lint   - ruff, import contracts (import-linter), mypy"
	@echo "make bench  - benchmarks beside the stock Rasa starter -> docs/benchmarks.md (not part of make test)"
	@echo "make chaos  - conversations through make cluster while a server is killed every 20 s (CHAOS_MINUTES, default 10; not part of make test)"
	@echo "make soak   - steady load for 10 minutes (SOAK_MINUTES, SOAK_RATE): errors, memory, lost events (not part of make test)"
	@echo "make lock   - recompile requirements/lock.txt (and audit.txt) from requirements/*.in"
	@echo "make audit  - known vulnerabilities in the pinned Python and npm packages (pip-audit, npm audit)"
	@echo "make forget-old - delete conversations idle for more than RETENTION_DAYS (default 30)"

setup: $(STAMP) $(WEB_STAMP) $(NGINX) $(PANGO) $(PDF_FONT)

$(STAMP): requirements/lock.txt scripts/setup.sh scripts/find-python.sh
	@echo "==> setup: Python 3.10 venv with the pinned packages"
	@scripts/setup.sh
	@touch $@

# The chat page's pinned npm packages (the widget, React, playwright-core), and
# Debian's chromium for the browser test: Playwright downloads no browser here.
$(WEB_STAMP): web/package.json web/package-lock.json | $(CHROMIUM)
	@command -v npm >/dev/null || { echo "error: the chat page needs Node.js 20 and npm"; exit 1; }
	@echo "==> setup: chat page packages (npm ci in web/)"
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(CHROMIUM):
	@echo "==> setup: Debian's chromium (apt-get), for the browser test of the chat page"
	@$(SUDO) apt-get update -qq
	@$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# Debian's nginx, the load balancer of `make cluster` and its tests; it runs as a
# child process with its configuration under var/, never as the system service.
$(NGINX):
	@echo "==> setup: Debian's nginx (apt-get), the load balancer of make cluster"
	@$(SUDO) apt-get update -qq
	@$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null

$(PANGO) $(PDF_FONT):
	@echo "==> setup: Debian's Pango and DejaVu fonts (apt-get), for the summary's PDF"
	@$(SUDO) apt-get update -qq
	@$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null

train: setup
	@$(BIN)/python -m scripts.train

run: train
	@$(BIN)/python -m scripts.serve

cluster: train
	@$(BIN)/python -m scripts.cluster

shell: train
	@$(BIN)/python -m scripts.serve --shell

validate: setup
	@echo "==> validate: rasa data validate --fail-on-warnings"
	@$(BIN)/rasa data validate --fail-on-warnings --quiet

# The domain core: bot/ without its Rasa-facing packages.
CORE := $(filter-out bot/graph bot/runtime bot/channels,$(wildcard bot/*.py) $(patsubst %/,%,$(dir $(wildcard bot/*/__init__.py))))
# A tool's own venv, .venv-<tool> from requirements/<tool>.txt, for tools whose dependencies
# clash with Rasa 3.6's: lint (import-linter, mypy) and audit (pip-audit).
.venv-%/.installed: requirements/%.txt scripts/find-python.sh
	@echo "==> $*: the tools' own venv (.venv-$*, requirements/$*.txt)"
	@rm -rf .venv-$* && "$$(scripts/find-python.sh)" -m venv .venv-$*
	@.venv-$*/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements/$*.txt
	@touch $@

LINT_VENV := .venv-lint

# ruff; import-linter's contracts (pyproject.toml); mypy, strict on the domain core and
# plain on the Rasa-facing packages, whose Rasa imports are untyped.
lint: setup $(LINT_VENV)/.installed
	@echo "==> lint: ruff, import contracts, mypy"
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(LINT_VENV)/bin/lint-imports --no-cache
	@$(LINT_VENV)/bin/mypy --python-executable $(BIN)/python --strict $(CORE)
	@$(LINT_VENV)/bin/mypy --python-executable $(BIN)/python bot/graph bot/runtime bot/channels actions

# The fast tests: no servers, no trained model, none marked slow (make test runs those too).
unit: setup
	@$(BIN)/pytest tests/unit -q -m "not slow"

# Formats and sorts imports in place (make lint only checks).
format: setup
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix --select I .

test: train lint validate
	@echo "==> test: pytest (unit, NLU evaluation, end-to-end with the real servers)"
	@ASSISTANT_MODEL_READY=1 $(BIN)/pytest
	@echo "==> test: rasa test stories (tests/stories) --fail-on-prediction-errors"
	@$(BIN)/rasa test core --stories tests/stories --fail-on-prediction-errors --out reports/stories --quiet

# Trains this assistant (timed, --force) and the stock Rasa starter, serves both on free
# ports, drives them with the same load and writes reports/bench.json, docs/benchmarks.md,
# docs/bench.json and the chart. About 15 minutes. Options of benchmarks/run.py through
# BENCH_ARGS, e.g. BENCH_ARGS="--cluster-url http://127.0.0.1:8000" or "--profile".
bench: setup
	@$(BIN)/python -m benchmarks.run $(BENCH_ARGS)
	@echo "==> bench: per-message cost of the clinical entity extractor"
	@$(BIN)/python benchmarks/clinical_component.py

# Steady load on the assistant (embedded profile, free loopback ports, its own tracker
# database) for SOAK_MINUTES (default and at most 10) at SOAK_RATE messages/s; fails on any
# request error, more than 10 % growth of either server's resident memory after the
# warm-up, or an event missing from a tracker. Writes reports/soak.json. Not part of make test.
soak: train
	@$(BIN)/python -m benchmarks.soak $(SOAK_ARGS)

# 32 clients through `make cluster`'s nginx (its own database and key prefix, nginx on
# CLUSTER_PORT + 1) while a Rasa server, an action server, Redis, PostgreSQL or nginx is
# killed and restarted every 20 s; fails on a lost, duplicated or reordered message, a 5xx,
# a wait over 30 s or a wrong triage. Writes reports/chaos.json and docs/chaos.md.
chaos: train
	@$(BIN)/python -m benchmarks.chaos

lock: setup
	@echo "==> lock: compiling requirements/lock.txt"
	@$(BIN)/uv pip compile --quiet --python-version 3.10 --python-platform x86_64-unknown-linux-gnu \
		requirements/requirements.in -o requirements/lock.txt
	@$(BIN)/uv pip compile --quiet --python-version 3.10 --python-platform x86_64-unknown-linux-gnu \
		requirements/audit.in -o requirements/audit.txt
	@$(BIN)/uv pip compile --quiet --python-version 3.10 --python-platform x86_64-unknown-linux-gnu \
		requirements/lint.in -o requirements/lint.txt

# pip-audit in a venv of its own: it needs a newer `packaging` than Rasa 3.6 allows.
AUDIT_VENV := .venv-audit
audit: $(AUDIT_VENV)/.installed
	@echo "==> audit: pip-audit (requirements/lock.txt) and npm audit (web/package-lock.json)"
	@$(AUDIT_VENV)/bin/python scripts/audit.py

forget-old: setup
	@$(BIN)/python -m scripts.forget_old

clean:
	rm -rf models reports .pytest_cache
