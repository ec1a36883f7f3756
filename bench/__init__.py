"""Benchmarks (`make bench`): figures and ratios measured side by side, written to bench/results.md."""
