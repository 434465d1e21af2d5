"""Model registry: ``<data_dir>/models/<model-id>/`` holds one LightGBM text model per task plus the model
card (``card.json`` + ``card.md``). Models carry their training window, feature list, label definitions,
the points-rulebook version hash and library versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from innopoints.errors import UserError
from innopoints.potential.card import render_markdown
from innopoints.potential.features import FEATURES
from innopoints.potential.labels import label_specs

if TYPE_CHECKING:  # scikit-learn is imported only when a model is trained or loaded (fast web start-up)
    from innopoints.potential.estimators import GrowthBoostingClassifier
    from innopoints.potential.evaluation import TaskResult

CARD_JSON, CARD_MD = "card.json", "card.md"
LIBRARIES = ("innopoints", "lightgbm", "scikit-learn", "numpy", "polars")


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


def build_card(results: dict[str, TaskResult], source: str, rulebook_hash: str, seed: int) -> dict[str, Any]:
    from innopoints.potential.evaluation import MODEL_NAMES

    specs = label_specs()
    tasks = {}
    for task, res in results.items():
        tasks[task] = {
            "label": specs[task].as_dict(),
            "train_origin_years": res.split.train_origins,
            "test_origin_year": res.split.test_origin,
            "training_window": {
                "features_up_to": max(res.split.train_origins),
                "labels_up_to": max(res.split.train_origins) + specs[task].horizon_years,
            },
            "n_train": res.n_train,
            "train_positive_rate": res.train_positive_rate,
            "metrics": res.metrics,
            "model_file": f"{task}.lgb.txt",
            "feature_medians": res.feature_medians,
        }
    return {
        "card_version": 1,
        "created_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "data_source": source,
        "random_state": seed,
        "rulebook_version_hash": rulebook_hash,
        "libraries": library_versions(),
        "models": MODEL_NAMES,
        "features": [{"code": f.code, "name_zh": f.name_zh, "kind": f.kind} for f in FEATURES],
        "tasks": tasks,
    }


def save(models_dir: Path, results: dict[str, TaskResult], card: dict[str, Any]) -> Path:
    from innopoints.potential.estimators import GrowthBoostingClassifier

    digest = hashlib.sha256(json.dumps(card, sort_keys=True, default=str).encode()).hexdigest()[:8]
    stamp = card["created_at"].replace("-", "").replace(":", "").replace("+0000", "")[:15]
    model_id = f"gp-{stamp}-{digest}"
    card["model_id"] = model_id
    target = models_dir / model_id
    partial = models_dir / f".{model_id}.partial"
    partial.mkdir(parents=True, exist_ok=False)
    for task, res in results.items():
        gbm = res.models["gbm"]
        assert isinstance(gbm, GrowthBoostingClassifier)
        gbm.booster_.save_model(str(partial / f"{task}.lgb.txt"))
    (partial / CARD_JSON).write_text(json.dumps(card, ensure_ascii=False, indent=2, default=str), "utf-8")
    (partial / CARD_MD).write_text(render_markdown(card), "utf-8")
    partial.rename(target)
    return target


@dataclass
class StoredModel:
    path: Path
    card: dict[str, Any]
    estimators: dict[str, GrowthBoostingClassifier]


def resolve(models_dir: Path, model_id: str | None) -> Path:
    if model_id:
        path = models_dir / model_id
        if not (path / CARD_JSON).is_file():
            raise UserError(f"找不到模型 {model_id} (no such model under {models_dir})")
        return path
    found = (
        sorted(p for p in models_dir.glob("gp-*") if (p / CARD_JSON).is_file()) if models_dir.is_dir() else []
    )
    if not found:
        raise UserError(
            f"尚无已训练模型 (no trained model under {models_dir}; run `innopoints potential train`)"
        )
    return found[-1]


def load(models_dir: Path, model_id: str | None = None) -> StoredModel:
    import lightgbm as lgb

    from innopoints.potential.estimators import GrowthBoostingClassifier

    path = resolve(models_dir, model_id)
    card = json.loads((path / CARD_JSON).read_text("utf-8"))
    estimators = {}
    for task, info in card["tasks"].items():
        est = GrowthBoostingClassifier()
        est.booster_ = lgb.Booster(model_file=str(path / info["model_file"]))
        est.classes_ = np.array([0, 1])
        est.n_features_in_ = len(card["features"])
        estimators[task] = est
    return StoredModel(path, card, estimators)
