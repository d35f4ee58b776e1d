# pulumi-vmservice: one entry point for development, tests and the demo.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS_BIN := .tools/bin
# Build order matters: the CRDs are generated with controller-gen.
TOOLS := pulumi pulumi-language-yaml pulumi-sdkgen etcd kubernetes vcsim controller-gen crds-8.0u3 crds-9.1
export PATH := $(CURDIR)/$(TOOLS_BIN):$(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: dev tools test unit lint schema sdk docs dist check-generated bench demo demo-down clean

dev: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml sdk/python/pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]' -e sdk/python
	touch $@

tools:
	@tools/install.sh $(TOOLS)

test: dev tools
	$(PY) -m pytest -q -ra $(PYTEST_ARGS)

unit: dev
	$(PY) -m pytest -q tests/unit tests/protocol

lint: dev
	$(VENV)/bin/ruff format --check provider tests examples bench
	$(VENV)/bin/ruff check provider tests examples bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -p no:cacheprovider tests/unit/test_architecture.py

schema: dev
	$(PY) -m pulumi_vmservice_provider.schema > schema.json

sdk: schema tools
	$(TOOLS_BIN)/pulumi-sdkgen schema.json sdk/python
	@echo "sdk/python regenerated from schema.json"

# Python versions the plugin archive carries wheels for (the machine running the plugin needs one of them).
DIST_PYTHON_VERSIONS ?= 3.11 3.12 3.13 3.14

dist: dev
	$(PY) -m pulumi_vmservice_provider.packaging --out dist $(foreach v,$(DIST_PYTHON_VERSIONS),--python-version $(v))

bench: dev
	$(PY) bench/run.py

demo: dev tools
	@bash examples/demo.sh up

demo-down: dev
	@bash examples/demo.sh down

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
