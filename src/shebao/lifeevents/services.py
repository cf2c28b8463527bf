"""Writers of the lifeevents context: the only code that changes its models."""
