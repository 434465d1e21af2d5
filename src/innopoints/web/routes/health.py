"""``/healthz``: liveness plus database reachability and the schema revision."""

from __future__ import annotations

import logging
import os

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from innopoints.adapters.db.migrate import current_revision
from innopoints.web.deps import ContainerDep
from innopoints.web.schemas import HealthOut

router = APIRouter(tags=["运行状态 (health)"])
log = logging.getLogger(__name__)


@router.get("/healthz", operation_id="healthz", response_model=HealthOut, summary="健康检查")
def healthz(container: ContainerDep) -> JSONResponse:
    try:
        revision = current_revision(container.engine)
    except Exception:  # report, do not raise: a probe needs an answer
        log.exception("health check: database unreachable")
        body = HealthOut(status="error", database="unreachable", schema_revision=None, process_id=os.getpid())
        return JSONResponse(body.model_dump(), status_code=503)
    status = "ok" if revision is not None else "error"
    body = HealthOut(status=status, database="reachable", schema_revision=revision, process_id=os.getpid())
    return JSONResponse(body.model_dump(), status_code=200 if revision is not None else 503)
