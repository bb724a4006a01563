"""Decks: the YAML format, its model, loading with precise errors, and finding deck files."""
