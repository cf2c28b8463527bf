"""Reads of the workbench context."""
