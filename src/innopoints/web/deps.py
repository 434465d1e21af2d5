"""Dependency aliases shared by the routes (``ContainerDep``, ``SessionDep``, ``DirectoryDep``, ``ListQueryDep``).

FastAPI runs a plain ``def`` dependency in its thread pool, one hand-off to a thread and back per dependency.
Those that only build an object from the request (no I/O) are therefore ``async def`` and run on the event
loop directly; those that touch the database (the session, the signed-in user) stay ``def``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from innopoints.accounts import audit
from innopoints.accounts.audit_writer import AuditWriter
from innopoints.bootstrap import Container
from innopoints.registry.directory import EnterpriseQuery, InvalidQuery, build_query
from innopoints.web.auth import SAFE_METHODS, ActorDep
from innopoints.web.services import DirectoryService

_TRUE = {"1", "true", "yes", "on", "是"}
_FALSE = {"0", "false", "no", "off", "否"}


async def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_session(request: Request, container: ContainerDep) -> Iterator[Session]:
    """One unit of work per request: committed when the route returns normally (audit events, changes),
    rolled back when it raises, closed before the response is sent. A GET changes nothing but the audit
    log: its events go through the app's ``AuditWriter`` (shared commits), and are on record before the
    response is sent either way."""
    session = container.sessions()
    try:
        yield session
        if request.method in SAFE_METHODS:  # GET, HEAD, OPTIONS: they change nothing
            rows = audit.take_pending(session)
            session.commit()  # nothing else is pending on a read: no write lock is taken
            writer: AuditWriter = request.app.state.audit_writer
            writer.write(rows)
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_directory(
    request: Request, container: ContainerDep, session: SessionDep, actor: ActorDep
) -> DirectoryService:
    return DirectoryService(session, container.region, request.app.state.cache, actor)


DirectoryDep = Annotated[DirectoryService, Depends(get_directory)]


def parse_listed(value: str | None) -> bool | None:
    if value is None or not value.strip():
        return None
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InvalidQuery(f"参数 listed：应为 true 或 false，收到“{value}” (listed must be true or false)")


async def list_query(
    container: ContainerDep,
    q: Annotated[
        str | None, Query(description="企业名称或统一社会信用代码（部分匹配；完整代码精确匹配）")
    ] = None,
    district: Annotated[str | None, Query(description="区县代码（GB/T 2260），如 210112")] = None,
    park: Annotated[str | None, Query(description="园区标识，如 hunnan_science_city")] = None,
    cluster: Annotated[str | None, Query(description="产业集群标识，如 robotics")] = None,
    field: Annotated[str | None, Query(description="高新技术领域标识，如 electronic_information")] = None,
    qualification: Annotated[
        str | None, Query(description="资质：tech_sme、high_tech_enterprise、eaglet …")
    ] = None,
    listed: Annotated[str | None, Query(description="是否上市：true / false")] = None,
    sort: Annotated[str | None, Query(description="排序：name、-name、registration_date、-revenue …")] = None,
    page: Annotated[int, Query(description="页码，从 1 开始")] = 1,
    page_size: Annotated[int, Query(description="每页条数：20、50 或 100")] = 20,
) -> EnterpriseQuery:
    return build_query(
        container.region,
        text=q,
        district=district,
        park=park,
        cluster=cluster,
        high_tech_field=field,
        qualification=qualification,
        listed=parse_listed(listed),
        sort=sort or None,
        page=page,
        page_size=page_size,
    )


ListQueryDep = Annotated[EnterpriseQuery, Depends(list_query)]
