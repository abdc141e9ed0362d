# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run   - the whole system locally (moto embedded, no AWS account, no Docker)
#   make test  - the fast suite (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

STAGE  ?= dev
# checkov's own pins clash with ours (requirements-checkov.txt): it lives in a venv of its own.
CHECKOV := $(VENV)/checkov/.installed

.PHONY: run test test-slow fuzz mutation bench lint package deploy smoke clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip<26.3"  # chalice 1.34 packages with pip<26.3
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

$(CHECKOV): requirements-checkov.txt
	test -x $(VENV)/checkov/bin/python || $(PYTHON) -m venv $(VENV)/checkov
	$(VENV)/checkov/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $(CHECKOV)

# The browser tests drive Debian's Chromium (never Playwright's own download) and axe-core.
BROWSER := $(VENV)/.browser
$(BROWSER): $(STAMP)
	test -x /usr/bin/chromium || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	test -x /usr/bin/chromium
	# axe-core (the npm package) checks the banner's accessibility in the browser tests.
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@4.14.1
	touch $(BROWSER)

run: $(STAMP)
	$(BIN)/python -m devstack

# pytest exits 5 when it collects no test; that is a failure here, not a pass.
test: $(STAMP) $(BROWSER) $(CHECKOV)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -m "not slow"

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

# The long schemathesis run (coverage phase + 150 examples per operation and mode) on its own stack;
# also part of test-slow. docs/TESTING.md.
fuzz: $(STAMP)
	$(BIN)/python -m pytest -q -s -m slow tests/e2e/test_fuzz_api.py

# mutmut over the pure rules, masking, signing and the CSV writers against the unit tests only
# (tests/ lists them in pyproject.toml's [tool.mutmut]); the score and survivors go to docs/TESTING.md.
# Not in `make test`: it takes 10-25 minutes on 2 cores.
mutation: $(STAMP)
	rm -rf mutants && mkdir -p .local
	$(BIN)/mutmut run --max-children 2 > .local/mutmut.log 2>&1 || { tail -30 .local/mutmut.log; exit 1; }
	$(BIN)/python -m tests.mutation

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP) $(CHECKOV)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m devstack.package $(STAGE)
	$(BIN)/cfn-lint out/sam.json
	$(VENV)/checkov/bin/checkov -f out/sam.json --framework cloudformation --compact --quiet

# out/sam.json and out/deployment.zip for one stage (docs/deploy.md). LAMBDA_RUNTIME=python3.11
# packages for the older runtime (the bench compares cold starts).
package: $(STAMP)
	$(BIN)/python -m devstack.package $(STAGE) $(LAMBDA_RUNTIME)

# Upload and deploy out/ with the AWS CLI (docs/deploy.md); DRY_RUN=1 prints the commands.
deploy: package
	$(BIN)/python -m devstack.deploy $(STAGE) $(if $(DRY_RUN),--dry-run)

# Read-only post-deploy check driven by the stack's Outputs (make test runs it on the local stack).
smoke: $(STAMP)
	$(BIN)/python -m devstack.smoke --stack $(or $(STACK_NAME),trustloop-$(STAGE))

clean:
	rm -rf $(VENV) .local out mutants
