"""Composition roots: one per runtime, each wiring adapters into the use cases."""
