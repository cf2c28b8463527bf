"""Writers of the portal context: the only code that changes its models."""
