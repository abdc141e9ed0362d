"""Benchmarks (`make bench`): numbers to read, never assertions on time in the test suite."""
