"""Benchmarks; run them as scripts (`.venv/bin/python bench/ws_fanout.py`), see bench/README.md."""
