"""Pages of the portal context."""
