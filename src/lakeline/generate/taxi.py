"""Realistic NYC yellow-taxi trips, with realistic bad rows, from a seed."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import timedelta

from lakeline.generate.base import GOOD, GeneratorSpec

HEADER = [
    "VendorID", "tpep_pickup_datetime", "tpep_dropoff_datetime", "passenger_count",
    "trip_distance", "RatecodeID", "store_and_fwd_flag", "PULocationID", "DOLocationID",
    "payment_type", "fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount",
    "improvement_surcharge", "total_amount", "congestion_surcharge",
]  # fmt: skip

BAD_KINDS = (
    "unparseable_timestamp",
    "negative_distance",
    "dropoff_before_pickup",
    "missing_required",
    "non_numeric_fare",
    "stray_quote",
    "short_row",
)

# Relative trips per hour of day: a night trough, a morning peak and an evening peak.
_HOUR_WEIGHTS = [
    3.0, 2.0, 1.4, 1.0, 0.9, 1.1, 2.4, 4.0, 5.0, 5.0, 4.9, 5.1,
    5.5, 5.6, 5.9, 6.0, 6.2, 6.8, 7.2, 6.9, 6.3, 6.0, 5.5, 4.4,
]  # fmt: skip
# Busy zones (Midtown, Upper East Side, the airports) and a long tail of the rest.
_HOT_ZONES = [237, 236, 161, 162, 132, 138, 230, 186, 170, 142, 163, 48, 68, 234, 239, 79]
_HOT_WEIGHTS = [9, 9, 8, 7, 6, 5, 6, 5, 5, 5, 5, 4, 4, 4, 4, 4]
_AIRPORTS = {132, 138}
_PAYMENTS = [1, 2, 3, 4]
_PAYMENT_WEIGHTS = [74.0, 23.0, 1.5, 1.5]


def _money(value: float) -> str:
    return f"{value:.2f}"


class TaxiTripGenerator:
    """Generates taxi trips deterministically from a :class:`GeneratorSpec`."""

    header = HEADER

    def __init__(self, spec: GeneratorSpec) -> None:
        self.spec = spec
        self._rng = random.Random(spec.seed)
        # One label per day from the day before the start (a dropoff may precede the
        # first pickup in a bad row) to the day after the end (a trip may end after midnight).
        self._day_labels = [(spec.start + timedelta(days=d)).isoformat() for d in range(-1, spec.days + 1)]

    def _timestamp(self, seconds: int) -> str:
        """Format seconds since the start day's midnight as ``YYYY-MM-DD HH:MM:SS``."""
        day, rest = divmod(seconds + 86_400, 86_400)
        hour, rest = divmod(rest, 3600)
        minute, second = divmod(rest, 60)
        return f"{self._day_labels[day]} {hour:02d}:{minute:02d}:{second:02d}"

    def rows(self) -> Iterator[tuple[str, str, list[str]]]:
        """Yield ``(kind, pickup day, fields)`` for every row, in pickup order per day."""
        rng = self._rng
        spec = self.spec
        per_day, remainder = divmod(spec.rows, spec.days)
        for day in range(spec.days):
            count = per_day + (1 if day < remainder else 0)
            hours = rng.choices(range(24), weights=_HOUR_WEIGHTS, k=count)
            hours.sort()
            for hour in hours:
                pickup = day * 86_400 + hour * 3600 + rng.randrange(3600)
                fields = self._trip(pickup, hour)
                kind = GOOD
                if spec.bad_ratio and rng.random() < spec.bad_ratio:
                    kind = rng.choice(BAD_KINDS)
                    fields = self._spoil(kind, fields, pickup)
                yield kind, self._day_labels[day + 1], fields

    def _trip(self, pickup: int, hour: int) -> list[str]:
        rng = self._rng
        origin = rng.choices(_HOT_ZONES, _HOT_WEIGHTS)[0] if rng.random() < 0.6 else rng.randint(1, 263)
        destination = rng.randint(1, 263) if rng.random() < 0.5 else rng.choice(_HOT_ZONES)
        airport = origin in _AIRPORTS or destination in _AIRPORTS
        miles = rng.lognormvariate(math.log(11.0 if airport else 1.7), 0.35 if airport else 0.7)
        miles = min(miles, 60.0)
        rush = hour in (7, 8, 9, 16, 17, 18)
        mph = max(4.0, rng.gauss(9.0 if rush else 13.0, 3.0))
        duration = max(60, int(miles / mph * 3600) + rng.randint(30, 240))
        rate_code = 2 if airport and rng.random() < 0.6 else 1
        fare = 70.0 if rate_code == 2 else round(3.0 + 3.5 * miles + 0.7 * duration / 60, 1)
        extra = 2.5 if rush else (1.0 if hour >= 20 or hour < 6 else 0.0)
        payment = rng.choices(_PAYMENTS, _PAYMENT_WEIGHTS)[0]
        tip = round(fare * rng.choice((0.15, 0.18, 0.2, 0.22, 0.25, 0.3)), 2) if payment == 1 else 0.0
        tolls = 6.94 if airport and rng.random() < 0.4 else 0.0
        congestion = 2.5 if rng.random() < 0.92 else 0.0
        total = fare + extra + 0.5 + tip + tolls + 1.0 + congestion
        passengers = rng.choices((1, 2, 3, 4, 5, 6, 0), (70, 15, 5, 3, 3, 2, 2))[0]
        return [
            "2" if rng.random() < 0.72 else "1",
            self._timestamp(pickup),
            self._timestamp(pickup + duration),
            str(passengers),
            f"{miles:.2f}",
            str(rate_code),
            "Y" if rng.random() < 0.005 else "N",
            str(origin),
            str(destination),
            str(payment),
            _money(fare),
            _money(extra),
            "0.50",
            _money(tip),
            _money(tolls),
            "1.00",
            _money(total),
            _money(congestion),
        ]

    def _spoil(self, kind: str, fields: list[str], pickup: int) -> list[str]:
        """Turn a good row into a bad row of the given kind, as broken exporters do."""
        rng = self._rng
        if kind == "unparseable_timestamp":
            fields[1] = rng.choice(("2024-02-30 10:00:00", "not a time", "2024-13-01 25:61:00"))
        elif kind == "negative_distance":
            fields[4] = f"-{fields[4]}"
        elif kind == "dropoff_before_pickup":
            fields[2] = self._timestamp(pickup - rng.randint(60, 3600))
        elif kind == "missing_required":
            fields[rng.choice((7, 8, 16))] = ""
        elif kind == "non_numeric_fare":
            fields[10] = rng.choice(("N/A", "12.5O", "$12.50", "1.9.5"))
        elif kind == "stray_quote":
            fields[10] = fields[10][:1] + '"' + fields[10][1:]
        elif kind == "short_row":
            fields = fields[: rng.randint(3, 12)]
        return fields
