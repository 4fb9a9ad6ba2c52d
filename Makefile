# Charter: `make run` to try it, `make test` to test it. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The address links in emails, printed QR codes and survey invitations start with: where
# `make run` serves unless set (production sets its own, e.g. https://charter.example.com).
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL
export PYTHONDONTWRITEBYTECODE := 1
# Which demo organisation `make run` and `make demo` serve. Charter serves one organisation per
# database, so ORG=bank (Southern Cross Community Bank) has a database of its own,
# BANK_DATABASE_URL; the default, ORG=widgets (Innovative Widgets), uses DATABASE_URL as ever.
ORG ?= widgets
BANK_DATABASE_URL ?= sqlite:///$(CURDIR)/var/bank.sqlite3
ifeq ($(ORG),bank)
DEMO_LOGINS := var/demo-logins-bank.txt
run demo migrate worker: export DATABASE_URL = $(BANK_DATABASE_URL)
else
DEMO_LOGINS := var/demo-logins.txt
endif

.PHONY: run test lint bench install install-test clean migrate demo worker browsers

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit("Charter needs Python 3.11 or newer (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --organisation $(ORG)

# Serves the demo with its worker and scheduler; Ctrl-C stops all three. ORG=bank serves the bank.
# It serves as production does, over plain HTTP on this machine: DEBUG off, so people meet
# Charter's own error pages (DEBUG=true make run shows Django's debug pages instead), and the
# static files collected and served by WhiteNoise; email goes to this console.
RUN_ENV = DEBUG=$${DEBUG:-false} SITE_URL=$(SITE_URL) SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
SERVE = $(RUN_ENV) $(PY) manage.py runserver --noreload --nostatic
run: migrate
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@$(RUN_ENV) $(PY) manage.py seed_demo --organisation $(ORG) --if-empty
	@echo ""
	@cat $(DEMO_LOGINS) 2>/dev/null || echo "Demo logins were printed when the demo was first loaded."
	@[ "$(ORG)" = bank ] || cat var/demo-survey-link.txt 2>/dev/null || true
	@echo ""
	@echo "Charter is at http://127.0.0.1:$(PORT)/  (API docs: /api/docs/; links in emails: $(SITE_URL)/)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(RUN_ENV) $(PY) manage.py db_worker --no-startup-delay & \
	  $(RUN_ENV) $(PY) manage.py run_scheduler & \
	  $(SERVE) 127.0.0.1:$(PORT)

worker: install
	$(PY) manage.py db_worker

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(PY) -m ruff check charter tests bench
	$(PY) -m ruff format --check charter tests bench

bench: install-test
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
