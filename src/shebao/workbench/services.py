"""Writers of the workbench context: the only code that changes its models."""
