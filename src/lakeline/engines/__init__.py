"""Engine adapters: the code that runs lakeline's work on a concrete engine."""
