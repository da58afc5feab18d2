"""The Spark engine (AWS Glue 5.0 = Spark 3.5): the analytics models at scale."""
