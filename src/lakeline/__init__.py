"""lakeline: a serverless data-lake pipeline for AWS that also runs on one laptop."""

from __future__ import annotations

__version__ = "0.1.0"
