"""Pages of the lifeevents context."""
