"""Emulated AWS for demos and tests: moto's server on 127.0.0.1, provisioned like the real stack."""
