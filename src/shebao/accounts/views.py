"""Pages of the accounts context."""
