"""Enterprise data import: read CSV/XLSX, map Chinese headers, validate every cell, write in one transaction.

Domain steps (``columns``, ``reader``, ``cells``, ``validate``, ``report``) use no database; the
``service`` module wires them to the storage adapters.
"""

from innopoints.registry.importing.model import CellError, ImportResult, Preview

__all__ = ["CellError", "ImportResult", "Preview"]
