"""The pure core: contracts, types, validation rules, partitioning and naming.

Nothing here imports boto3, DuckDB, PyArrow or Spark.
"""
