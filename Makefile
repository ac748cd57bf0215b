# The two commands of the README: `make run` and `make test`. Both set up .venv when missing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8765

.PHONY: run lab serve test lint lint-openapi fuzz bench bench-fetch bench-batch bench-search openapi editor clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-notebook: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[notebook]'
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@ $(VENV)/.installed-run $(VENV)/.installed-notebook

## run: set up, seed and start the API server and the Voila web sandbox, and print their URLs
run: $(VENV)/.installed-notebook
	$(PY) -m sandbox.dashboard --host $(HOST) --api-port $(PORT)

## lab: the API server (the one make run started, if up) and JupyterLab on notebooks/;
## serve: the API server alone
lab: $(VENV)/.installed-notebook
	$(PY) -m sandbox.dashboard --lab --host $(HOST) --api-port $(PORT)

serve: $(VENV)/.installed-run
	$(PY) -m server serve --host $(HOST) --port $(PORT)

## test: set up and run the whole test suite, a test file at a time on each core (at most 4)
test: $(VENV)/.installed-test
	$(PY) -m pytest --numprocesses auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder

## lint: ruff's checks and formatting, and mypy (strict) on server/ and sandbox/
LINTED := server sandbox tests bench notebooks/tools binder/jupyter_server_config.py
lint: $(VENV)/.installed-test
	$(PY) -m ruff check $(LINTED)
	$(PY) -m ruff format --check $(LINTED)
	$(PY) -m mypy

openapi: $(VENV)/.installed-run
	$(PY) -m server openapi --format yaml

## bench: the server against a raw ASGI ceiling (wrk); bench-fetch: fetch_all() against read_sql
bench: $(VENV)/.installed-test
	$(PY) bench/run.py

bench-fetch: $(VENV)/.installed-test
	$(PY) bench/fetch_all.py

## bench-batch: the Batch API against single requests, and synchronous batches of 100
bench-batch: $(VENV)/.installed-test
	$(PY) bench/batch.py

## bench-search: search over the scale-50 data (add DATABASE=postgresql+psycopg://… for PostgreSQL too)
bench-search: $(VENV)/.installed-test
	$(PY) bench/search.py $(if $(DATABASE),--database $(DATABASE))

## lint-openapi: lint the generated OpenAPI document with Spectral and the vendored JSON:API ruleset
lint-openapi: $(VENV)/.installed-run
	@mkdir -p var
	$(PY) -m server openapi --format json > var/openapi.json
	npx --yes @stoplight/spectral-cli@6.16.3 lint var/openapi.json --ruleset .spectral.yml --fail-severity=error

## fuzz: a longer schemathesis run
fuzz: $(VENV)/.installed-test
	ORO_SANDBOX_FUZZ_EXAMPLES=25 $(PY) -m pytest tests/server/test_fuzz.py

## editor: rebuild the web sandbox's JSON body editor (CodeMirror 6) from js/ with npm and esbuild into
## sandbox/widgets/static/json_editor.js; the built file is committed, so only a change in js/ needs this
editor:
	cd js && npm ci --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) var .pytest_cache
