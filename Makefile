PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DB ?= quotes.db

.PHONY: install install-test demo test chromium benchmark clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

# The browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

demo: install
	$(BIN)/quotes ingest seeds/ --db $(DB)
	$(BIN)/quotes serve --db $(DB) --port 8001

test: install-test chromium
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q

benchmark: install-test
	$(BIN)/python benchmarks/extract.py

clean:
	rm -rf $(VENV) build *.egg-info quotes.db quotes.db-wal quotes.db-shm quotes.db-lock quotes.index
