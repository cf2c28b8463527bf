"""Writers of the rules context: the only code that changes its models."""
