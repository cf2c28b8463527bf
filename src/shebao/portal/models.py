"""Models of the portal context."""
