# Two commands for a newcomer (see README.md): `make lab` and `make test`.
# Needs only Python >= 3.10 and make; everything else goes into the local virtual environment .venv/.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Jupyter refuses to run as root (CI, containers) without --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: install lab present test lint notebooks bench cheatsheet html clean

# JupyterLab setting for this environment: save the widgets' state with the notebook, so that a saved and reopened
# notebook shows its panels where the learner left them (they come alive again when their cell runs).
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lab,test,present]"
	touch $(STAMP)

$(LAB_SETTINGS): $(STAMP) Makefile
	mkdir -p $(dir $@)
	printf '%s\n' '{"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": true}}' > $@

install: $(STAMP) $(LAB_SETTINGS)

## Install everything and open JupyterLab on notebooks/ (127.0.0.1 only, token authentication on).
lab: install
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ROOT_FLAG)

## Projector mode: install everything and serve one notebook as an app in Voilà (127.0.0.1 only, with a token), e.g.
## `make present NB=notebooks/02_regression_backward.ipynb`: it runs every cell, shows the text, outputs and live
## panels without the code; open the URL it prints. The template share/jupyter/voila/templates/projector is Voilà's
## own without the stylesheets it links from a CDN, and --no-browser skips Voilà's redirect page, which links one too.
## (Voilà runs as root without a flag: it has no --allow-root.)
present: install
	$(if $(NB),,$(error say which notebook: make present NB=notebooks/02_regression_backward.ipynb))
	JUPYTER_PATH=$(CURDIR)/share/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH)) \
	  $(BIN)/voila "$(NB)" --Voila.ip=127.0.0.1 --token --template=projector --no-browser

## Install everything and run the whole test suite: lint, unit tests, notebooks under strict nbval,
## and the browser tests in JupyterLab (skipped with a message where Chromium is missing, unless CI=true).
## Two workers (pytest-xdist), each taking whole test files (loadscope): a notebook's cells stay together, in
## order, in one kernel, and the browser tests share one JupyterLab.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadscope --nbval --nbval-sanitize-with notebooks/sanitize.cfg tests notebooks

## Re-execute every notebook in place, so the committed outputs are what a fresh run prints.
notebooks: install
	for nb in notebooks/*.ipynb; do \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=120 --ExecutePreprocessor.store_widget_state=False --ExecutePreprocessor.record_timing=False "$$nb" || exit 1; \
	done

## Print the benchmark figures reported in README.md (the last one needs Chromium; it also saves docs/img/).
bench: install
	$(BIN)/python benchmarks/bench_train.py
	$(BIN)/python benchmarks/bench_panels.py
	$(BIN)/python benchmarks/bench_latency.py

## Draw docs/cheatsheet.pdf and docs/cheatsheet.png from nbhelpers (after changing a formula; a test says when).
cheatsheet: install
	$(BIN)/python docs/make_cheatsheet.py

## Write build/html/: a static page per notebook from its committed outputs (not run again) and index.html; no network.
html: install
	$(BIN)/python tools/build_html.py build/html

clean:
	rm -rf $(VENV)
