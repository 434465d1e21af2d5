"""Load and cross-check the cultivation rulebook (screening programs, tiers, alert thresholds)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from innopoints.cultivation.schema import AlertsFile, Program, ScreeningFile, Tier, TiersFile
from innopoints.eligibility.rulebooks import rulebook
from innopoints.errors import UserError
from innopoints.scoring.rulebook import canonical_hash

FILES: dict[str, type[BaseModel]] = {
    "screening.yaml": ScreeningFile,
    "tiers.yaml": TiersFile,
    "alerts.yaml": AlertsFile,
}


@dataclass(frozen=True)
class CultivationRulebook:
    screening: ScreeningFile
    tiers: TiersFile
    alerts: AlertsFile
    version_hash: str
    source: str

    @property
    def programs(self) -> dict[str, Program]:
        return self.screening.programs

    def tier(self, tier_id: str) -> Tier:
        for t in self.tiers.tiers:
            if t.id == tier_id:
                return t
        raise KeyError(tier_id)

    def tier_rank(self, tier_id: str | None) -> int:
        return 0 if tier_id is None else self.tier(tier_id).rank

    def tier_name(self, tier_id: str | None) -> str:
        return "—" if tier_id is None else self.tier(tier_id).name.zh

    def referenced_rulebooks(self) -> list[str]:
        refs = set()
        for program in self.programs.values():
            for cond in (*program.unless, *program.required, *program.conditions):
                if cond.threshold is not None:
                    refs.add(cond.threshold.rulebook)
        return sorted(refs)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: the same YAML, faster


def _parse(name: str, text: str, model: type[BaseModel]) -> tuple[Any, Any]:
    raw = yaml.load(text, Loader=_Loader)
    try:
        return model.model_validate(raw), raw
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(
            f"培育库规则文件 {name} 键 {where}: {first['msg']} (invalid cultivation rulebook)"
        ) from exc


def _cross_check(screening: ScreeningFile, tiers: TiersFile) -> None:
    known = set(screening.programs)
    for tier in tiers.tiers:
        named = tier.any_programs + (tier.or_top.programs if tier.or_top else [])
        unknown = [p for p in named if p not in known]
        if unknown:
            raise UserError(f"培育层级 {tier.id} 引用了未定义的筛选规则 (unknown programs): {unknown}")
    lowest = tiers.tiers[-1]
    if set(lowest.any_programs) != known:
        raise UserError("最低层级须覆盖全部筛选规则 (the lowest tier must list every program)")


def load_cultivation_dir(folder: Traversable | Path, source: str | None = None) -> CultivationRulebook:
    parsed: dict[str, Any] = {}
    raws: dict[str, Any] = {}
    for name, model in FILES.items():
        path = folder.joinpath(name)
        if not path.is_file():
            raise UserError(f"缺少培育库规则文件 {name} (missing cultivation rulebook file) in {folder}")
        parsed[name], raws[name] = _parse(name, path.read_text("utf-8"), model)
    _cross_check(parsed["screening.yaml"], parsed["tiers.yaml"])
    book = CultivationRulebook(
        screening=parsed["screening.yaml"],
        tiers=parsed["tiers.yaml"],
        alerts=parsed["alerts.yaml"],
        version_hash="",
        source=source or str(folder),
    )
    for ref in book.referenced_rulebooks():  # thresholds read from them are part of the version
        raws[f"referenced:{ref}"] = rulebook(ref).book.model_dump(mode="json")
    return CultivationRulebook(book.screening, book.tiers, book.alerts, canonical_hash(raws), book.source)


@lru_cache(maxsize=4)
def load_cultivation(region: str = "shenyang") -> CultivationRulebook:
    folder = resources.files("innopoints.rulebook").joinpath(region).joinpath("cultivation")
    return load_cultivation_dir(folder, source=f"rulebook/{region}/cultivation")
