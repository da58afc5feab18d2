"""Deterministic sample-data generators, by dataset name."""

from __future__ import annotations

from lakeline.generate.base import GeneratorSpec, Manifest, write_sample
from lakeline.generate.taxi import TaxiTripGenerator

GENERATORS = {"taxi_trips": TaxiTripGenerator}

__all__ = ["GENERATORS", "GeneratorSpec", "Manifest", "write_sample"]
