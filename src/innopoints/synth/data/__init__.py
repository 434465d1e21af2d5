"""Data files of the synthetic city (YAML)."""
