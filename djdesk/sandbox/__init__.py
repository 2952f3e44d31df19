"""Simulated provider APIs on 127.0.0.1 for the offline demo, tests and benchmarks."""
