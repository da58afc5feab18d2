"""Public AWS list prices that lakeline's estimates use, with the date they were taken."""

from __future__ import annotations

import math

PRICES_AS_OF = "2026-11 (us-east-1, public list prices)"
ATHENA_USD_PER_TB = 5.0  # per TB scanned (TB = 2**40 bytes), rounded up to the MB
ATHENA_MINIMUM_BYTES = 10 * 1024**2  # 10 MB minimum per query
MB = 1024**2
TB = 1024**4


def athena_query_cost(bytes_scanned: int) -> float:
    """What Athena charges for one query that scans this many bytes."""
    billed = max(math.ceil(bytes_scanned / MB) * MB, ATHENA_MINIMUM_BYTES)
    return billed / TB * ATHENA_USD_PER_TB
