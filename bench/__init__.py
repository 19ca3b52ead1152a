"""Benchmark the hotline against a bare Flask app under the same gunicorn settings.

Run `bench/run` (or `.venv/bin/python -m bench`); see docs/benchmarks.md.
"""
