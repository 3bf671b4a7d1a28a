"""Benchmarks: a synthetic corpus, load tests (also against a PostGraphile peer), ingestion speed.

Run ``python -m bench --help``; bench/README.md explains what is measured and how.
"""
