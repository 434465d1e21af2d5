"""Load, cross-check and hash the points rulebook (rulebook/<region>/points/)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from innopoints.errors import UserError
from innopoints.scoring.schema import (
    AdjustmentsFile,
    Indicator,
    IndicatorFile,
    LadderFile,
    PeerGroupsFile,
    StagesFile,
    WeightsFile,
)

FILES: dict[str, type[BaseModel]] = {
    "indicators.yaml": IndicatorFile,
    "weights.yaml": WeightsFile,
    "stages.yaml": StagesFile,
    "peer_groups.yaml": PeerGroupsFile,
    "adjustments.yaml": AdjustmentsFile,
    "ladder.yaml": LadderFile,
}

M = TypeVar("M", bound=BaseModel)


class RulebookError(UserError):
    """A points rulebook file is missing, malformed or inconsistent; the message names file and key."""


@dataclass(frozen=True)
class PointsRulebook:
    indicators: IndicatorFile
    weights: WeightsFile
    stages: StagesFile
    peer_groups: PeerGroupsFile
    adjustments: AdjustmentsFile
    ladder: LadderFile
    version_hash: str
    source: str

    @property
    def indicator_list(self) -> list[Indicator]:
        return self.indicators.indicators

    def weight(self, stage: str, indicator: Indicator) -> Decimal:
        return self.weights.stages[stage].groups[indicator.group].weights[indicator.id]

    @property
    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages.stages]

    def panel_fields_used(self) -> list[str]:
        """Every panel field the round reads (indicators, bonus items, tech-SME test)."""
        codes: list[str] = []
        for ind in self.indicator_list:
            codes += ind.fields + ind.denominator
        codes += [b.field for b in self.adjustments.bonus]
        sme = self.ladder.tech_sme
        codes += sme.class1_fields + sme.class2_fields + list(sme.field_flags.values())
        codes += ["employees", "sci_tech_staff", "sales_revenue", "total_assets", "rd_expense"]
        codes += ["cost_expense_total", "operating_revenue"]
        return sorted(set(codes))

    def qualification_kinds(self) -> list[str]:
        kinds = {q for ind in self.indicator_list for q in ind.qualifications}
        kinds |= {r.qualification for r in self.ladder.ladder}
        kinds |= set(self.ladder.tech_sme.qualification_flags.values())
        return sorted(kinds)


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(root)"


def _parse(name: str, text: str, model: type[M]) -> tuple[M, Any]:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulebookError(f"积分规则文件 {name} 不是有效的 YAML (invalid YAML): {exc}") from exc
    try:
        return model.model_validate(raw), raw
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RulebookError(
            f"积分规则文件 {name} 键 {_where(first['loc'])}: {first['msg']} (points rulebook error)"
        ) from exc


def _cross_check(rb: dict[str, Any]) -> None:
    indicators: IndicatorFile = rb["indicators.yaml"]
    weights: WeightsFile = rb["weights.yaml"]
    stages: StagesFile = rb["stages.yaml"]
    by_group: dict[str, set[str]] = {g.id: set() for g in indicators.groups}
    for ind in indicators.indicators:
        by_group[ind.group].add(ind.id)
    stage_ids = {s.id for s in stages.stages}
    if set(weights.stages) != stage_ids:
        raise RulebookError(
            f"积分规则文件 weights.yaml 键 stages: 阶段须与 stages.yaml 一致 {sorted(stage_ids)} (stages must match)"
        )
    for stage, sw in weights.stages.items():
        if sw.total != weights.max_points:
            raise RulebookError(
                f"积分规则文件 weights.yaml 键 stages.{stage}.total: {sw.total} ≠ max_points {weights.max_points}"
            )
        if set(sw.groups) != set(by_group):
            raise RulebookError(
                f"积分规则文件 weights.yaml 键 stages.{stage}.groups: 须列出全部一级指标 {sorted(by_group)}"
            )
        group_sum = sum((g.total for g in sw.groups.values()), Decimal(0))
        if group_sum != sw.total:
            raise RulebookError(
                f"积分规则文件 weights.yaml 键 stages.{stage}: 一级指标权重之和 {group_sum} ≠ total {sw.total} "
                "(group weights must sum to the stage total)"
            )
        for gid, gw in sw.groups.items():
            if set(gw.weights) != by_group[gid]:
                missing = sorted(by_group[gid] - set(gw.weights))
                extra = sorted(set(gw.weights) - by_group[gid])
                raise RulebookError(
                    f"积分规则文件 weights.yaml 键 stages.{stage}.groups.{gid}.weights: 缺少 {missing} 多出 {extra}"
                )
            s = sum(gw.weights.values(), Decimal(0))
            if s != gw.total:
                raise RulebookError(
                    f"积分规则文件 weights.yaml 键 stages.{stage}.groups.{gid}: 权重之和 {s} ≠ total {gw.total} "
                    "(weights must sum to their declared total)"
                )


def canonical_hash(raw_by_file: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of every file's parsed content (comments and layout do not count)."""
    canon = json.dumps(raw_by_file, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def load_points_dir(folder: Traversable | Path, source: str | None = None) -> PointsRulebook:
    parsed: dict[str, Any] = {}
    raws: dict[str, Any] = {}
    for name, model in FILES.items():
        path = folder.joinpath(name)
        if not path.is_file():
            raise RulebookError(f"缺少积分规则文件 {name} (missing points rulebook file) in {folder}")
        parsed[name], raws[name] = _parse(name, path.read_text("utf-8"), model)
    _cross_check(parsed)
    # Rulebooks the plan evaluates (e.g. national/tech_sme.yaml) are part of the version: changing
    # them changes verdicts, so it must change the hash that rounds are frozen with.
    for ref in _referenced_rulebooks(parsed):
        text = resources.files("innopoints.rulebook").joinpath(ref).read_text("utf-8")
        raws[f"referenced:{ref}"] = yaml.safe_load(text)
    return PointsRulebook(
        indicators=parsed["indicators.yaml"],
        weights=parsed["weights.yaml"],
        stages=parsed["stages.yaml"],
        peer_groups=parsed["peer_groups.yaml"],
        adjustments=parsed["adjustments.yaml"],
        ladder=parsed["ladder.yaml"],
        version_hash=canonical_hash(raws),
        source=source or str(folder),
    )


def _referenced_rulebooks(parsed: dict[str, Any]) -> list[str]:
    ref = getattr(parsed["ladder.yaml"].tech_sme, "rulebook", None)
    return [ref] if isinstance(ref, str) and ref else []


@lru_cache(maxsize=4)
def load_points(region: str = "shenyang") -> PointsRulebook:
    folder = resources.files("innopoints.rulebook").joinpath(region).joinpath("points")
    return load_points_dir(folder, source=f"rulebook/{region}/points")
