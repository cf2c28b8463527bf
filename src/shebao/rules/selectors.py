"""Reads of the rules context."""
