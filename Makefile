# The two commands a newcomer needs: `make run` and `make test`.
# Everything else (interpreter, venv, pinned packages, training) happens on the way.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)
# Rasa's telemetry would try to reach the internet.
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help setup train run shell test lint validate lock bench clean

help:
	@echo "make run    - set up, train if needed, start the assistant (REST and socket.io on :5005)"
	@echo "make test   - set up, train if needed, run the whole test suite"
	@echo "make shell  - talk to the assistant in the terminal"
	@echo "make train  - train the model (skipped by Rasa when nothing changed)"
	@echo "make lint   - ruff"
	@echo "make bench  - benchmarks (not part of the test suite)"
	@echo "make lock   - recompile requirements/lock.txt from requirements/requirements.in"

setup: $(STAMP)

$(STAMP): requirements/lock.txt scripts/setup.sh scripts/find-python.sh
	@echo "==> setup: Python 3.10 venv with the pinned packages"
	@scripts/setup.sh
	@touch $@

train: setup
	@echo "==> train: rasa train (skipped when data, domain, config and the clinical NLP are unchanged)"
	@scripts/train.sh

run: train
	@$(BIN)/python -m scripts.serve

shell: train
	@$(BIN)/python -m scripts.serve --shell

validate: setup
	@echo "==> validate: rasa data validate --fail-on-warnings"
	@$(BIN)/rasa data validate --fail-on-warnings --quiet

lint: setup
	@echo "==> lint: ruff"
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

test: train lint validate
	@echo "==> test: pytest (unit, NLU evaluation, end-to-end with the real servers)"
	@ASSISTANT_MODEL_READY=1 $(BIN)/pytest
	@echo "==> test: rasa test stories (tests/stories) --fail-on-prediction-errors"
	@$(BIN)/rasa test core --stories tests/stories --fail-on-prediction-errors --out reports/stories --quiet

bench: train
	@$(BIN)/python benchmarks/clinical_component.py

lock: setup
	@echo "==> lock: compiling requirements/lock.txt"
	@$(BIN)/uv pip compile --quiet --python-version 3.10 --python-platform x86_64-unknown-linux-gnu \
		requirements/requirements.in -o requirements/lock.txt

clean:
	rm -rf models reports .pytest_cache
