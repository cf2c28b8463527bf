"""Writers of the cases context: the only code that changes its models."""
