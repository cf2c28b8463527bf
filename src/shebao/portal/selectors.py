"""Reads of the portal context."""
