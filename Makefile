# Two commands do everything on a fresh machine with only python3:
#   make demo   set up .venv and run the pipeline on the bundled sample corpus
#   make test   set up .venv and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RAY_STAMP := $(VENV)/.installed-ray
OUT    := out

.PHONY: demo test setup setup-ray lock clean browser

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# The optional Ray engine (--engine ray): about 330 MB installed, so only for the tests and those who ask.
setup-ray: $(RAY_STAMP)

$(RAY_STAMP): $(STAMP) requirements-ray.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-ray.lock -c requirements.lock
	@touch $(RAY_STAMP)

demo: $(STAMP)
	@rm -f $(OUT)/demo.duckdb $(OUT)/demo.duckdb.wal $(OUT)/demo.duckdb.snapshot*
	$(BIN)/newsevents ingest samples/articles --db $(OUT)/demo.duckdb --jsonl $(OUT)/demo.jsonl

test: $(STAMP) $(RAY_STAMP) browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

# The dashboard's browser test drives Debian's Chromium; install it when missing (we run as root).
# NEWSEVENTS_SKIP_BROWSER=1 skips both the install and that test.
browser:
	@if [ "$$NEWSEVENTS_SKIP_BROWSER" != 1 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then \
		echo "installing chromium and chromium-driver for tests/browser (apt-get)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-driver; } >/dev/null \
		|| { echo "could not install chromium (needs root and Debian's archive); NEWSEVENTS_SKIP_BROWSER=1 skips the browser test" >&2; exit 1; }; \
	fi

lock: $(STAMP)
	{ head -n 2 requirements.lock; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^newsevents' | grep -v -i -x -F -f requirements-ray.lock; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
