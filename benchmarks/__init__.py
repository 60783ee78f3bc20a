"""Benchmarks that print speed ratios measured in one run (see README: `make bench`)."""
