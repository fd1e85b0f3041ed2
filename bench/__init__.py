"""Benchmarks, run as plain scripts (`make bench`), never by the test suite."""
