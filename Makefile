# nbaudit: one command to set up and open the demo, one to set up and run every test layer.
#   make lab    set up, then open JupyterLab on notebooks/01_pii_scan.ipynb
#   make test   set up, then lint, type-check and run all tests (unit .. real browser)
#   make bench  speed ratios against the named peers (bench/: Presidio, pycanon, fairlearn)

VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

.PHONY: setup lab test lint bench build-js chromium clean

setup: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json labextension/package.json \
          labextension/package-lock.json labextension/src/index.ts
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet hatchling hatch-jupyter-builder editables "jupyter-builder>=1"
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	cd labextension && npm ci --no-audit --no-fund --loglevel=error
	cd labextension && PATH="$(abspath $(VENV))/bin:$$PATH" npm run --silent build
	SKIP_JUPYTER_BUILDER=1 $(PIP) install --quiet --no-build-isolation -e ".[dev]"
	touch $(STAMP)

build-js:
	npm run --silent build

# Root (containers, CI machines) must say so to Jupyter.
lab: setup
	$(VENV)/bin/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/01_pii_scan.ipynb

# Debian's Chromium for the real-browser tests (Playwright drives it; it never downloads one).
chromium:
	@command -v chromium >/dev/null || command -v /usr/bin/chromium >/dev/null || \
	  { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	    else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

lint: setup
	$(VENV)/bin/ruff check src tests bench
	npm run --silent typecheck

test: setup chromium lint
	$(PY) -m pytest -q -ra

bench: setup
	SKIP_JUPYTER_BUILDER=1 $(PIP) install --quiet --no-build-isolation -e ".[dev,bench]"
	$(PIP) install --quiet --no-deps "pycanon==1.3.6"
	$(PY) bench/bench_pii.py
	$(PY) bench/bench_risk.py
	$(PY) bench/bench_fairness.py

clean:
	rm -rf $(VENV) node_modules src/nbaudit/static test-artifacts
