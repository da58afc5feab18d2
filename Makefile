# lakeline's one task runner. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true

.DEFAULT_GOAL := help
.PHONY: help install demo demo-aws package synth deploy cfn diagram audit soak infra iac-lint test lint typecheck unit integration e2e bench clean

help: ## Show the targets and what they do
	@grep -E '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

IAC_VENV  := .venv-iac
IAC_STAMP := $(IAC_VENV)/.installed-$(shell cat requirements/iac-lint.txt | cksum | cut -d' ' -f1)

$(IAC_STAMP): requirements/iac-lint.txt
	$(PYTHON) -m venv $(IAC_VENV)
	$(IAC_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(IAC_VENV)/bin/python -m pip install --quiet -r requirements/iac-lint.txt
	rm -f $(IAC_VENV)/.installed-*
	touch $@

install: $(STAMP) ## Create .venv and install lakeline and its dev tools (pinned by constraints.txt)

demo: $(STAMP) ## Run the whole pipeline locally on generated taxi trips, then query the lake
	$(BIN)/lakeline demo

demo-aws: $(STAMP) ## Run the AWS path on emulated AWS (moto on 127.0.0.1): S3 -> EventBridge -> SQS -> Lambda
	$(BIN)/lakeline demo-aws

package: $(STAMP) ## Build the Lambda artifact (Linux arm64, Python 3.12) into build/lambda and print its size
	$(BIN)/python tools/package_lambda.py

synth: package ## Synthesize the CDK app (dev and prod) offline into cdk.out, with cdk-nag
	cd infrastructure && ../$(BIN)/python app.py

ENV ?= dev
deploy: package ## Deploy ENV=dev|prod with the pinned CDK CLI (needs AWS credentials and `cdk bootstrap`)
	cd infrastructure && npm ci --silent --no-audit --no-fund && npx cdk deploy lakeline-$(ENV)

cfn: $(STAMP) ## Regenerate infrastructure/cloudformation.yaml, parameters.json and monitoring/cloudwatch_dashboards.json
	$(BIN)/python infrastructure/export.py

DIAGRAM_VENV := .venv-diagram
diagram: ## Redraw docs/architecture_diagram.png from tools/architecture_diagram.py (needs Graphviz: apt-get install graphviz)
	test -x $(DIAGRAM_VENV)/bin/python || $(PYTHON) -m venv $(DIAGRAM_VENV)
	$(DIAGRAM_VENV)/bin/python -m pip install --quiet -r requirements/diagram.txt
	$(DIAGRAM_VENV)/bin/python tools/architecture_diagram.py

AUDIT_VENV := .venv-audit
audit: ## Audit the pinned dependencies for known vulnerabilities (pip-audit; needs PyPI's JSON API or OSV)
	test -x $(AUDIT_VENV)/bin/pip-audit || ($(PYTHON) -m venv $(AUDIT_VENV) && $(AUDIT_VENV)/bin/pip install --quiet pip-audit==2.10.1)
	$(AUDIT_VENV)/bin/pip-audit --requirement constraints.txt --no-deps --strict

infra: $(STAMP) ## Only the infra tier (CDK synth and assertions)
	$(BIN)/pytest -m infra $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint and formatting) and bandit (security, reasoned skips in pyproject.toml)
	$(BIN)/ruff check src tests benchmarks tools infrastructure glue_scripts
	$(BIN)/ruff format --check src tests benchmarks tools infrastructure glue_scripts
	$(BIN)/bandit -q -c pyproject.toml -r src

typecheck: $(STAMP) ## mypy, strict on src/
	$(BIN)/mypy src

iac-lint: $(IAC_STAMP) ## cfn-lint (no errors) and checkov (no failed checks but reasoned skips) on the template
	$(IAC_VENV)/bin/cfn-lint --non-zero-exit-code error infrastructure/cloudformation.yaml
	$(IAC_VENV)/bin/checkov --quiet --compact --skip-download --framework cloudformation \
		-f infrastructure/cloudformation.yaml

test: lint typecheck iac-lint ## Lint, type-check, lint the templates and run the whole test suite
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

unit: $(STAMP) ## Only the unit tier (no I/O beyond temp files, fast)
	$(BIN)/pytest -m unit $(PYTEST_ARGS)

integration: $(STAMP) ## Only the integration tier (DuckDB, SQLite, temp dirs)
	$(BIN)/pytest -m integration $(PYTEST_ARGS)

e2e: $(STAMP) ## Only the end-to-end tier (the CLI as a user runs it)
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

bench: $(STAMP) ## Benchmarks: processing vs DuckDB COPY vs pandas on 5M rows; handler cold import (docs/benchmarks.md)
	$(BIN)/python benchmarks/bench_processing.py
	$(BIN)/python benchmarks/bench_cold_import.py
	$(BIN)/python benchmarks/bench_build.py

soak: $(STAMP) ## Soak: 2,000 files and 20 million rows in one process; memory must stay flat (about 4 min)
	$(BIN)/python benchmarks/soak.py

clean: ## Remove the virtualenv, caches and local state
	rm -rf $(VENV) $(IAC_VENV) $(DIAGRAM_VENV) $(AUDIT_VENV) .mypy_cache .ruff_cache .pytest_cache .lakeline .bench build
