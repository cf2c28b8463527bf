"""Plain-Python domain rules: no Django import anywhere in this package."""
