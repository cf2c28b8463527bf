"""Reads of the cases context."""
