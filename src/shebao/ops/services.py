"""Writers of the ops context: the only code that changes its models."""
