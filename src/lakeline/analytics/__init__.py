"""Analytics models: SQL files that build partitioned tables from the curated datasets."""
