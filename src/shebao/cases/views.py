"""Pages of the cases context."""
