"""Reads of the reports context."""
