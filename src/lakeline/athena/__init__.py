"""Athena SQL: parse it, and translate it for the engines that stand in for Athena."""
