#!/usr/bin/env bash
# Installs everything the tests need into ./.venv, checks lint and formatting, and runs the whole
# test suite. Extra arguments go to pytest (e.g. ./test.sh -k quotes).
set -euo pipefail
cd "$(dirname "$0")"

scripts/install.sh dev

export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest "$@"
