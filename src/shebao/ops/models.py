"""Models of the ops context."""
