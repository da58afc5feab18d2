"""The analytics workflow's steps, named once for the Step Functions state machine and the local build.

Both run the same steps in the same order: plan the changed partitions (ending
successfully, at no cost, when nothing changed), transform them, check data
quality, record the results, and notify on failure or halt.
"""

from __future__ import annotations

PLAN = "Plan"
TRANSFORM = "Transform"
DATA_QUALITY = "DataQuality"
RECORD_RESULTS = "RecordResults"
NOTIFY = "Notify"
STEPS = (PLAN, TRANSFORM, DATA_QUALITY, RECORD_RESULTS, NOTIFY)

# Where the table of data-quality results lives, and its name in the catalog.
QUALITY_RESULTS_TABLE = "dq_results"
# The build-state name under which a dataset's checked partitions are remembered.
QUALITY_STATE_PREFIX = "quality:"
