"""Seeded synthetic Shenyang."""
