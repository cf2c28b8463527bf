"""Pages of the core context."""
