"""Writers of the core context: the only code that changes its models."""
