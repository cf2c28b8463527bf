"""社保办事通 (shebao): the service system of a county social insurance center."""
