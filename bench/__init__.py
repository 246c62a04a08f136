"""Benchmarks and the server harness the fault, load and scale-out tests share."""
