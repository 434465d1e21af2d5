"""Write the city as Parquet for analytics engines: enterprises.parquet (one row per firm),
panel.parquet (WIDE: one row per uscc × year, Int64 hundredths per panel field) and manifest.json.
The panel is streamed year by year, so a million-firm city fits comfortably in memory."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from innopoints.registry.panel_fields import SCALE, panel_fields
from innopoints.synth.city import City, Progress, SynthConfig, generate_city
from innopoints.synth.panel import wide_schema

ENTERPRISES = "enterprises.parquet"
PANEL = "panel.parquet"
MANIFEST = "manifest.json"
FORMAT_VERSION = 1


def write_parquet(config: SynthConfig, out_dir: Path, progress: Progress | None = None) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    panel_tmp = out_dir / f".{PANEL}.partial"
    panel_rows = 0
    with pq.ParquetWriter(panel_tmp, wide_schema(), compression="zstd") as writer:

        def sink(table: Any) -> None:
            nonlocal panel_rows
            panel_rows += table.num_rows
            writer.write_table(table, row_group_size=256_000)

        city = generate_city(
            SynthConfig(seed=config.seed, enterprises=config.enterprises, with_transfer=False),
            panel_sink=sink,
            progress=progress,
        )
    ent_tmp = out_dir / f".{ENTERPRISES}.partial"
    city.enterprises.write_parquet(ent_tmp, compression="zstd")
    manifest = build_manifest(city, panel_rows)
    os.replace(panel_tmp, out_dir / PANEL)
    os.replace(ent_tmp, out_dir / ENTERPRISES)
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def build_manifest(city: City, panel_rows: int) -> dict[str, Any]:
    fields = panel_fields()
    return {
        "format_version": FORMAT_VERSION,
        "generator": "innopoints synth",
        "is_synthetic": True,
        "seed": city.seed,
        "region": "210100 沈阳市",
        "panel_years": sorted({int(y) for y in range(2021, 2026)}),
        "sizes": {
            "enterprises": city.enterprises.height,
            "enterprises_active_2025": city.enterprises_active_2025,
            "panel_rows": panel_rows,
        },
        "files": {"enterprises": ENTERPRISES, "panel": PANEL},
        "panel_value_scale": SCALE,
        "schema": {
            "enterprises": {name: str(dtype) for name, dtype in city.enterprises.schema.items()},
            "panel": {
                "uscc": "String",
                "year": "Int16",
                **{
                    code: f"Int64 ×1/{SCALE} {'元' if f.kind == 'money' else f.unit} ({f.name_zh})"
                    for code, f in fields.items()
                },
            },
        },
    }
