"""The FastAPI application factory: ``create_app(settings)`` builds the container and wires the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from innopoints import __version__
from innopoints.bootstrap import Container, build_container
from innopoints.settings import Settings, get_settings
from innopoints.web import errors
from innopoints.web.auth import csrf_protect
from innopoints.web.caching import TtlCache
from innopoints.web.routes import (
    account_pages,
    api,
    health,
    pages,
    policy_api,
    pool_api,
    potential_api,
    profile_api,
    targets_api,
)

CACHE_SECONDS = 60.0

ROUTERS = [
    account_pages.router,
    api.router,
    profile_api.router,
    potential_api.router,
    policy_api.router,
    targets_api.router,
    pool_api.router,
    pages.router,
]

DESCRIPTION = """InnoPoints 科创积分平台 JSON API。

金额以“元”为单位、精确到分，以十进制字符串返回；每个指标值附带来源（税务、市场监管、知识产权、统计、
自报、导入文件、合成数据）、来源说明与记录时间，并可查询全部修订历史。错误统一返回
`{"error": {"code", "message"}}`，message 为中文说明。
"""


def create_app(settings: Settings | None = None, *, container: Container | None = None) -> FastAPI:
    """Build the web application. ``container`` may be passed in (tests); otherwise it is built here."""
    settings = settings or get_settings()
    built = container or build_container(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if container is None:  # only dispose what this factory created
            built.engine.dispose()

    app = FastAPI(
        title="InnoPoints 科创积分平台",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.container = built
    app.state.cache = TtlCache(CACHE_SECONDS)
    errors.install(app)
    static = resources.files("innopoints.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(health.router)
    protected = [Depends(csrf_protect)]  # every unsafe request made with a session cookie needs the token
    for router in ROUTERS:
        app.include_router(router, dependencies=protected)
    return app
