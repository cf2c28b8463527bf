"""Writers of the reports context: the only code that changes its models."""
