"""Thin entry points: parse the input, call one use case, map the result."""
