"""Benchmarks run by `make bench` (counts, not timings)."""
