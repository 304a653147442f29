# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres test-processes e2e screenshots bench fuzz lint format serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's dependency list changes.
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-app

run: $(VENV)/.installed-app
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_curriculum
	@echo ""
	@echo "  SRM Trainer is starting: open http://$(HOST):$(PORT)/"
	@echo "  For the admin (http://$(HOST):$(PORT)/admin/) create an account first:"
	@echo "      $(BIN)/python manage.py createsuperuser"
	@echo "  (set-up only, like AWS's root user: then make an everyday admin with"
	@echo "      $(BIN)/python manage.py make_admin USERNAME   and turn on its two-factor sign-in)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# The same suite on a throwaway PostgreSQL (installed from Debian's packages if missing,
# started on a free loopback port, removed afterwards): see .ci/with-postgres.
test-postgres: $(VENV)/.installed-test
	.ci/with-postgres $(BIN)/python -m pytest -q -p no:cacheprovider

# Tests that start a real multi-process server (rate limits shared by every worker); CI runs them.
test-processes: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m processes -q

# Production settings under gunicorn (gunicorn.conf.py); needs DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS (and the other variables in README's Configuration table).
serve: $(VENV)/.installed-app
	DJANGO_DEBUG=false $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=false $(BIN)/python manage.py collectstatic --no-input -v0
	DJANGO_DEBUG=false $(BIN)/gunicorn -c gunicorn.conf.py

# Browser journeys in headless Chromium (Debian's: `apt-get install chromium`).
E2E_SCREENSHOTS ?= $(CURDIR)/build/e2e-screenshots
e2e: $(VENV)/.installed-test
	@E2E_SCREENSHOTS=$(E2E_SCREENSHOTS) $(BIN)/python -m pytest tests/e2e -m e2e -p no:cacheprovider -q; \
	status=$$?; echo ""; echo "  Screenshots of the journeys: $(E2E_SCREENSHOTS)"; exit $$status

# Refresh the README's desktop screenshots (docs/screenshots/) from the journeys.
screenshots: $(VENV)/.installed-test
	E2E_README_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest tests/e2e -m e2e -p no:cacheprovider -q -k screenshot

bench: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests/bench -m bench -p no:cacheprovider -q -s

# Thousands of generated inputs per entry point, and the CPU budget per request (tests/fuzz/).
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/fuzz -p no:cacheprovider -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache build
