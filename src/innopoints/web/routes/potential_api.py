"""JSON API of the growth-potential model (成长潜力模型): a firm's probabilities with the top factors in Chinese,
and the model card of the stored model.

Models are read from ``<data_dir>/models/<model-id>/`` (written by ``innopoints potential train``); a model
directory never changes once written, so loaded models are cached. The panel is read from the database and
cached for the app's cache period. 409 when no model has been trained, 404 for an unknown firm or model id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from innopoints.bootstrap import Container
from innopoints.errors import NotFound, UserError
from innopoints.potential.data import PotentialData, load_database
from innopoints.potential.explain import Explanation, Factor, explain_firm
from innopoints.potential.labels import label_specs
from innopoints.potential.registry import StoredModel, load, resolve
from innopoints.registry.scope import read_firm
from innopoints.scoring.rulebook import load_points
from innopoints.web.auth import ActorDep
from innopoints.web.deps import ContainerDep, SessionDep
from innopoints.web.errors import error_response
from innopoints.web.routes.cultivation_common import (
    CONFLICT,
    DENIED,
    INVALID,
    JSON_OK,
    NOT_FOUND,
    json_response,
    requires,
)

NO_MODEL = (
    "尚未训练发展潜力模型，请先运行 innopoints potential train (no growth-potential model has been trained)"
)
NOTICE = (
    "概率为模型估计，仅供培育工作参考，不作为认定依据 (model estimates for cultivation work, not a decision)"
)
CARD_KEYS = ("model_id", "created_at", "data_source", "random_state", "rulebook_version_hash", "libraries")

router = APIRouter(
    prefix="/api",
    tags=["成长潜力 (growth potential)"],
    responses={**DENIED, 404: NOT_FOUND, 409: CONFLICT, 422: INVALID},
)


class NoModel(Exception):
    """No trained model in the models directory."""


def _models_dir(container: Container) -> Path:
    return container.settings.data_dir / "models"


def _stored_model(request: Request, container: ContainerDep, model_id: str | None) -> StoredModel:
    models_dir = _models_dir(container)
    try:
        path = resolve(models_dir, model_id)
    except UserError:
        if model_id:
            raise NotFound(f"找不到发展潜力模型 {model_id} (no such model)") from None
        raise NoModel from None
    # a stored model directory is immutable (written to a temporary directory, then renamed)
    model: StoredModel = request.app.state.cache.get(
        f"potential:model:{path}", lambda: load(models_dir, path.name)
    )
    return model


def _panel(request: Request, container: Container) -> PotentialData:
    data: PotentialData = request.app.state.cache.get(
        "potential:panel", lambda: load_database(container.engine)
    )
    return data


def _factor(f: Factor) -> dict[str, Any]:
    return {"code": f.code, "text": f.text, "contribution_log_odds": round(f.contribution, 6)}


def _task(ex: Explanation, model: StoredModel) -> dict[str, Any]:
    spec = label_specs()[ex.task]
    info = model.card["tasks"][ex.task]
    gbm = info["metrics"].get("gbm", {})
    return {
        "task": ex.task,
        "name_zh": spec.name_zh,
        "label": spec.as_dict(),
        "probability": round(ex.probability, 6),
        "probability_pct": f"{ex.probability * 100:.1f}%",
        "raising_factors": [_factor(f) for f in ex.raising],
        "lowering_factors": [_factor(f) for f in ex.lowering],
        "test_metrics": {k: gbm.get(k) for k in ("auc", "top_decile_lift", "base_rate", "n")},
    }


def _no_model(request: Request) -> Response:
    return error_response(request, 409, "no_model", NO_MODEL)


@router.get(
    "/enterprises/{uscc}/potential",
    operation_id="get_enterprise_potential",
    summary="企业成长潜力：高成长与两年内晋级梯度的概率及主要提高 / 降低因素",
    response_class=Response,
    responses=JSON_OK,
    **requires("potential.view"),
)
def get_potential(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    actor: ActorDep,
    uscc: str,
    model_id: Annotated[str | None, Query(alias="model", description="模型编号，缺省为最新模型")] = None,
    top: Annotated[int, Query(ge=1, le=10, description="每个方向列出的因素数")] = 3,
) -> Response:
    code = read_firm(session, actor, uscc, action="view_profile", part="profile")
    try:
        model = _stored_model(request, container, model_id)
    except NoModel:
        return _no_model(request)
    explanations = explain_firm(model, _panel(request, container), code, top)
    current_hash = load_points(container.settings.region).version_hash
    warnings = []
    if model.card.get("rulebook_version_hash") != current_hash:
        warnings.append(
            "模型训练时的积分规则版本与当前不同，建议重新训练 (model trained under another points rulebook)"
        )
    return json_response(
        {
            "uscc": code,
            "origin_year": explanations[0].origin_year if explanations else None,
            "model": {k: model.card.get(k) for k in CARD_KEYS},
            "tasks": [_task(ex, model) for ex in explanations],
            "notice": NOTICE,
            "warnings": warnings,
        }
    )


@router.get(
    "/potential/model",
    operation_id="get_potential_model_card",
    summary="发展潜力模型卡：训练窗口、标签定义、特征、测试指标（模型与基线）",
    response_class=Response,
    responses=JSON_OK,
    **requires("potential.view"),
)
def get_model_card(
    request: Request,
    container: ContainerDep,
    model_id: Annotated[str | None, Query(alias="model", description="模型编号，缺省为最新模型")] = None,
) -> Response:
    try:
        model = _stored_model(request, container, model_id)
    except NoModel:
        return _no_model(request)
    return json_response(model.card)
