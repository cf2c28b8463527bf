"""Pages of the catalog context."""
