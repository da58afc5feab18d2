"""Draw docs/architecture_diagram.png: lakeline on AWS, as code (`make diagram`).

Uses the `diagrams` package (its own venv, requirements/diagram.txt) and Graphviz's `dot`
(Debian package graphviz). The stages and their names follow the CDK constructs.
"""

from __future__ import annotations

from pathlib import Path

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.analytics import Athena, Glue, GlueDataCatalog
from diagrams.aws.compute import Lambda
from diagrams.aws.database import Dynamodb
from diagrams.aws.integration import (
    Eventbridge,
    SimpleNotificationServiceSns,
    SimpleQueueServiceSqs,
    StepFunctions,
)
from diagrams.aws.management import Cloudwatch
from diagrams.aws.security import KeyManagementService
from diagrams.aws.storage import SimpleStorageServiceS3
from diagrams.generic.network import Firewall
from diagrams.onprem.client import Users

OUT = Path(__file__).resolve().parents[1] / "docs" / "architecture_diagram"


def main() -> None:
    """Write the PNG."""
    attributes = {"fontsize": "13", "pad": "0.4", "splines": "spline", "nodesep": "0.6", "ranksep": "0.9"}
    with Diagram("lakeline on AWS", filename=str(OUT), outformat="png", show=False, direction="LR",
                 graph_attr=attributes):  # fmt: skip
        producers = Users("file producers")
        api = Firewall("HTTP APIs")
        with Cluster("Ingestion"):
            raw = SimpleStorageServiceS3("raw bucket\n(versioned, tiered)")
            bus = Eventbridge("EventBridge\nObject Created rule")
            queue = SimpleQueueServiceSqs("queue + DLQ")
            process = Lambda("process_object\n(DuckDB, arm64)")
            large = Glue("large-objects job\n(same use case)")
            schedule = Eventbridge("Scheduler\n(one per HTTP dataset)")
            ingest = Lambda("ingest_api")
        with Cluster("Lake"):
            curated = SimpleStorageServiceS3("curated + quarantine\n+ dq_results")
            analytics = SimpleStorageServiceS3("analytics")
            ledger = Dynamodb("ledger, build state,\ncursors, runs")
        with Cluster("Analytics workflow (Step Functions)"):
            trigger = SimpleQueueServiceSqs("Partition Updated\n(FIFO debounce)")
            workflow = StepFunctions("Plan > Transform >\nDataQuality > Record > Notify")
            steps = Lambda("workflow steps")
            job = Glue("Glue 5.0 job\n(Spark models)")
            quality = Glue("Glue Data Quality\n(DQDL rulesets)")
        with Cluster("Query and catalog"):
            catalog = GlueDataCatalog("Glue catalog\n(projection, partitions)")
            athena = Athena("Athena workgroup\n(scan cut-off)")
        with Cluster("Operations"):
            alerts = SimpleNotificationServiceSns("alerts topic")
            watch = Cloudwatch("dashboard + alarms")
            key = KeyManagementService("KMS key")

        producers >> raw >> bus >> queue >> process
        api << Edge(style="dashed") << ingest
        schedule >> ingest >> raw
        process >> curated
        process >> Edge(style="dashed", label="too large") >> large >> curated
        process >> Edge(style="dashed", label="Partition Updated") >> trigger >> workflow
        process >> ledger
        workflow >> steps >> ledger
        workflow >> job >> analytics
        workflow >> quality >> curated
        job >> Edge(label="new location") >> catalog
        catalog >> athena
        curated >> catalog
        workflow >> Edge(style="dashed") >> alerts
        watch >> Edge(style="dashed") >> alerts
        key >> Edge(style="dotted") >> curated


if __name__ == "__main__":
    main()
