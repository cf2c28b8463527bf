"""Pages of the reports context."""
