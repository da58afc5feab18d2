"""Use cases: what the pipeline does, written against ports only."""
