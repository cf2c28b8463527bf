"""Reads of the ops context."""
