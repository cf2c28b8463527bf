"""Pages of the rules context."""
