# nbaudit: one command to set up and open the demo, one to set up and run every test layer.
#   make lab    set up, then open JupyterLab on notebooks/01_pii_scan.ipynb
#   make test   set up, then lint, type-check and run all tests (unit .. real browser)
#   make wheel  the sdist and wheel of a clean checkout, in dist/ (make test checks them)
#   make bench  speed ratios against the named peers (bench/: Presidio, pycanon, fairlearn)

VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

.PHONY: setup lab test lint bench build-js wheel chromium java clean

setup: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json labextension/package.json \
          labextension/package-lock.json labextension/src/index.ts \
          $(wildcard requirements/ner-test.txt)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# setuptools and wheel: pyspark ships as an sdist, built here without build isolation
	$(PIP) install --quiet hatchling hatch-jupyter-builder editables "jupyter-builder>=1" \
	  "setuptools>=70.1" wheel
	npm ci --no-audit --no-fund --loglevel=error
	PATH="$(abspath $(VENV))/bin:$$PATH" npm run --silent build:all
	SKIP_JUPYTER_BUILDER=1 $(PIP) install --quiet --no-build-isolation -e ".[dev]"
	test ! -f requirements/ner-test.txt || $(PIP) install --quiet --no-deps --require-hashes -r requirements/ner-test.txt
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

# Java for the PySpark tests (Spark 4 runs on Java 17 or 21; Debian bookworm ships 17).
# Slim Debian images lack the man directory the JRE's postinst links into.
java:
	@command -v java >/dev/null && java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || \
	  { if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	    $$SUDO mkdir -p /usr/share/man/man1 && $$SUDO apt-get update -qq && \
	    $$SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless; }

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	npm run --silent typecheck

# The sdist and wheel a release would get: `python -m build` (sdist, then the wheel from the
# sdist, each in an isolated environment with empty npm trees) on a copy of the files git knows
# about (tracked, with uncommitted changes, plus untracked files that are not ignored), so
# nothing built or cached in this checkout can leak in. tests/test_wheel.py checks the result.
WHEEL_SOURCES := $(wildcard $(shell git ls-files --cached --others --exclude-standard 2>/dev/null))
WHEEL_STAMP   := dist/.built

wheel: $(WHEEL_STAMP)

$(WHEEL_STAMP): $(WHEEL_SOURCES) | setup
	@git rev-parse --is-inside-work-tree >/dev/null 2>&1 || \
	  { echo "make wheel: not a git checkout, nothing to copy"; exit 1; }
	rm -rf dist && mkdir -p dist
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  git ls-files -z --cached --others --exclude-standard | \
	    xargs -0 -r sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
	    tar --null -T - -cf - | tar -xf - -C "$$tmp" && \
	  (cd "$$tmp" && "$(abspath $(PY))" -m build --outdir "$(abspath dist)")
	touch $(WHEEL_STAMP)

test: setup chromium java lint wheel
	$(PY) -m pytest -q -ra

bench: setup
	SKIP_JUPYTER_BUILDER=1 $(PIP) install --quiet --no-build-isolation -e ".[dev,bench]"
	$(PIP) install --quiet --no-deps "pycanon==1.3.6" "presidio-evaluator==0.3.2"
	$(PY) bench/bench_pii.py
	$(PY) bench/bench_risk.py
	$(PY) bench/bench_fairness.py
	$(PY) bench/bench_detection.py
	$(PY) bench/bench_big_input_pii.py
	$(PY) bench/bench_big_input_risk.py
	$(PY) bench/bench_big_input_fairness.py
	$(PY) bench/bench_dp.py

clean:
	rm -rf $(VENV) node_modules labextension/node_modules labextension/lib src/nbaudit/static \
	  src/nbaudit/labextension test-artifacts dist
