"""Models of the rules context."""
