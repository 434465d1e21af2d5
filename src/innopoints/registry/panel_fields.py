"""The catalogue of annual panel fields (registry/panel_fields.yaml) and exact value scaling."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml

# Every panel value is stored as an integer number of hundredths: fen for money, 1/100 for counts.
SCALE = 100
_SCALE_D = Decimal(SCALE)

FieldKind = Literal["money", "count"]


@dataclass(frozen=True)
class PanelField:
    code: str
    name_zh: str
    name_en: str
    kind: FieldKind
    unit: str
    min: Decimal | None

    @property
    def header(self) -> str:
        """The import/export column header, e.g. ``研发费用（元）``."""
        return f"{self.name_zh}（{self.unit}）"


@lru_cache(maxsize=1)
def panel_fields() -> dict[str, PanelField]:
    text = resources.files("innopoints.registry").joinpath("panel_fields.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)["fields"]
    out: dict[str, PanelField] = {}
    for code, spec in raw.items():
        out[code] = PanelField(
            code=code,
            name_zh=spec["name_zh"],
            name_en=spec["name_en"],
            kind=spec["kind"],
            unit=spec["unit"],
            min=None if spec.get("min") is None else Decimal(str(spec["min"])),
        )
    return out


def to_scaled(value: Decimal) -> int:
    """Decimal -> stored integer (exact; raises if more than two decimals are given)."""
    scaled = value * _SCALE_D
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than two decimal places")
    return int(scaled)


def from_scaled(scaled: int) -> Decimal:
    return Decimal(scaled) / _SCALE_D
