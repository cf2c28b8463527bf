"""Models of the workbench context."""
