# make install: idempotent; creates .venv, installs the pinned CPU torch first, then the project.
# make test:    install, then the whole test suite.
# make run:     install, then launch the app on http://127.0.0.1:7860 (builds the index on first run)
# make bench:   the query-path and index benchmark, ratios side by side (eval/results/bench-<date>.md)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export LITELLM_LOCAL_MODEL_COST_MAP := True
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install test run bench eval clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

test: install
	$(BIN)/python -m pytest -q

run: install
	$(BIN)/python app.py $(ARGS)

bench: install
	$(BIN)/python -m eval.bench $(ARGS)

eval: install
	$(BIN)/talks eval retrieval
	$(BIN)/talks eval answers

clean:
	rm -rf $(VENV) data
