"""Lambda handlers: Powertools at the edge, one use case inside."""
