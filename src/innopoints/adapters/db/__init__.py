"""Relational storage (SQLAlchemy 2): tables, engine, unit of work, migrations."""
