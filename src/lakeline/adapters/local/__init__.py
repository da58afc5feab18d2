"""Local adapters: a folder for the lake, SQLite for the ledger, an in-process bus."""
