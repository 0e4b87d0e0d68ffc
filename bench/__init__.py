"""Benchmark and measurement scripts (not tests), run as modules from the project root:

    .venv/bin/python -m bench.NAME [OPTIONS]

for example `.venv/bin/python -m bench.classify --seconds 20`. Running them as modules puts the
project root on the import path, so they import the project's packages (and one another) directly.
Each script's docstring says what it measures and its options.
"""
