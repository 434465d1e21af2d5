"""Read a Parquet panel folder (the `innopoints synth --format parquet` layout) and fingerprint it."""

from __future__ import annotations

import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from innopoints.errors import UserError

REQUIRED = ("enterprises.parquet", "panel.parquet")
OPTIONAL = ("qualifications.parquet", "negatives.parquet")


@dataclass(frozen=True)
class ParquetPanel:
    folder: Path
    enterprises: pl.LazyFrame
    panel: pl.LazyFrame
    qualifications: pl.DataFrame | None
    negatives: pl.DataFrame | None
    digest: Future[str]

    @property
    def sha256(self) -> str:
        """The input fingerprint (computed in a background thread while the round runs)."""
        return self.digest.result()


_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="innopoints-fingerprint")


def fingerprint(paths: list[Path]) -> str:
    """sha256 over the names and bytes of the input files, in name order."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode())
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def read_panel(folder: Path, year: int, fields: list[str] | None = None) -> ParquetPanel:
    """Read the scoring year and the year before; only the listed panel fields when given."""
    for name in REQUIRED:
        if not (folder / name).is_file():
            raise UserError(f"面板目录缺少 {name} (panel folder {folder} lacks {name})")
    panel = pl.scan_parquet(folder / "panel.parquet").filter(pl.col("year").is_between(year - 1, year))
    if fields is not None:
        names = panel.collect_schema().names()
        panel = panel.select(["uscc", "year", *[f for f in fields if f in names]])
    optional = {n: pl.read_parquet(folder / n) if (folder / n).is_file() else None for n in OPTIONAL}
    files = [folder / n for n in (*REQUIRED, *OPTIONAL) if (folder / n).is_file()]
    return ParquetPanel(
        folder=folder,
        enterprises=pl.scan_parquet(folder / "enterprises.parquet"),
        panel=panel,
        qualifications=optional["qualifications.parquet"],
        negatives=optional["negatives.parquet"],
        digest=_HASHER.submit(fingerprint, files),  # hashlib releases the GIL on large blocks
    )
