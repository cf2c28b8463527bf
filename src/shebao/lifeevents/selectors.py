"""Reads of the lifeevents context."""
