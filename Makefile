# Two commands on a fresh machine (Python 3.11+ and make): `make run`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# One BLAS thread: the kernels are many small batched products, for which OpenBLAS threads
# cost far more than they gain (40-400x slower on a loaded 2-core machine). Override freely.
OPENBLAS_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS

.PHONY: run test full figures report bench bench-figures lint clean browser

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,plots,report,distributed,transformer]'
	touch $(STAMP)

run: $(STAMP)          ## the whole default (quick-tier) verification, verdict table on stdout
	$(BIN)/lsa-verify check

full: $(STAMP)         ## the full tier (slow; run by hand)
	$(BIN)/lsa-verify check --tier full

test: $(STAMP) browser ## ruff, then the fast test suite (the report's browser test included)
	$(BIN)/ruff check .
	$(BIN)/pytest

# Debian's Chromium for the report's browser test (about 2 min the first time, as root);
# where it cannot be installed the test is skipped, never failed.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    >/dev/null; } || echo "chromium not installed: the browser test will be skipped"

report: $(STAMP)       ## the quick-tier run as one self-contained HTML page, out/report.html
	mkdir -p out
	$(BIN)/lsa-verify report --out out/report.html

figures: $(STAMP)      ## the paper's figures (quick tier) as PNG + CSV in out/
	mkdir -p out
	for f in fig_1 fig_2 fig_4 fig_5; do $(BIN)/lsa-verify figure $$f --out out/$$f.png; done

bench: $(STAMP)        ## time to relative SE 1e-3: project estimators vs a user's numpy (3 rounds)
	$(BIN)/lsa-verify bench

bench-figures: $(STAMP) ## wall/CPU time of each paper figure at full size, against its budget
	$(BIN)/lsa-verify bench --figures --tier full

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
