"""Pages of the workbench context."""
