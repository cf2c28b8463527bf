"""Models of the lifeevents context."""
