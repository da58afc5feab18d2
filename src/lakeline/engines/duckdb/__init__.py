"""The DuckDB engine: validation of landed objects and local Athena SQL."""
