"""Helpers shared by component tests, integration tests and benchmarks (real components, no mocks)."""
