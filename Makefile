# make install: idempotent; creates .venv, installs the pinned CPU torch first, then the project (one line per
#               step; VERBOSE=1 shows pip's own output and download progress).
# make test:    install, then `ruff check`, `ruff format --check` and the whole test suite (installs Debian's chromium for the browser test when missing
#               and apt-get can; otherwise the browser tests fail and say why).
# make run:     install, then launch the app on http://127.0.0.1:7860 (builds the index on first run; opens the page
#               when a desktop browser is available: make run ARGS=--no-browser only prints the URL)
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

PIP := $(BIN)/python -m pip install $(if $(VERBOSE),,-q)
# pip's wheel cache would hold a second copy of every package; the venv alone takes about 3.5 GB.
export PIP_NO_CACHE_DIR := 1
NEEDS_GB := 5
NO_ROOM = { echo "make install: pip failed; free space now: $$(df -Ph $(VENV) | awk 'NR==2 {print $$4}')" \
  "on the disk that holds $(VENV)" >&2; exit 1; }

$(STAMP): pyproject.toml
	@set -e; t0=$$(date +%s); \
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "make install: needs Python >= 3.11; $(PYTHON) is $$($(PYTHON) --version 2>/dev/null || echo not found)." \
	       "Pick another with: make install PYTHON=python3.12" >&2; exit 1; }; \
	if test -x $(BIN)/python; then echo "make install: reusing the venv in $(VENV)"; \
	else echo "make install: creating venv in $(VENV) ($$($(PYTHON) --version))"; $(PYTHON) -m venv $(VENV); fi; \
	free=$$(df -Pk $(VENV) | awk 'NR==2 {print int($$4 / 1048576)}'); \
	if [ "$$free" -lt $(NEEDS_GB) ]; then echo "make install: only $$free GB free on the disk that holds $(VENV);" \
	  "the installed packages take about 3.5 GB, and pip needs room to unpack them (about $(NEEDS_GB) GB in all)" >&2; fi; \
	$(PIP) --upgrade pip || $(NO_ROOM); \
	echo "make install: installing torch (CPU, about 200 MB to download the first time)"; \
	$(PIP) torch==2.13.0 || $(NO_ROOM); \
	echo "make install: installing the project and its test tools (pip install -e '.[test]')"; \
	$(PIP) -e '.[test]' || $(NO_ROOM); \
	touch $(STAMP); \
	echo "make install: done in $$(( $$(date +%s) - t0 )) s; $(VENV) takes $$(du -sh $(VENV) | cut -f1)"

# The browser test drives Debian's chromium (never a downloaded browser): installed here when missing and apt-get
# can (as root, or with sudo that needs no password); otherwise the browser tests fail and say why.
test: install
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo=sudo; else sudo=no; fi; \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "make test: chromium is missing and there is no apt-get to install it; the browser tests will fail"; \
	  elif [ "$$sudo" = no ]; then \
	    echo "make test: chromium is missing (sudo apt-get install chromium); the browser tests will fail"; \
	  else \
	    echo "make test: installing Debian's chromium for the browser test (apt-get install chromium)"; \
	    { $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null; } \
	      || echo "make test: apt-get could not install chromium; the browser tests will fail"; \
	  fi; \
	fi
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

# The project's bytecode, compiled ahead (as pip does for installed packages): where PYTHONDONTWRITEBYTECODE is set,
# as in many containers, Python would otherwise compile its sources again at every start (0.2 s of the app's).
COMPILE := $(BIN)/python -m compileall -q assistant index corpus eval app.py

run: install
	@$(COMPILE)
	$(BIN)/python app.py $(ARGS)

bench: install
	@$(COMPILE)
	$(BIN)/python -m eval.bench $(ARGS)

eval: install
	$(BIN)/talks eval retrieval
	$(BIN)/talks eval answers

clean:
	rm -rf $(VENV) data
