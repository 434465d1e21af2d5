"""The FastAPI application factory: ``create_app(settings)`` builds the container and wires the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from innopoints import __version__
from innopoints.accounts.audit_writer import AuditWriter
from innopoints.bootstrap import Container, build_container
from innopoints.settings import Settings, get_settings
from innopoints.web import errors, vendor
from innopoints.web.auth import csrf_protect
from innopoints.web.caching import TtlCache
from innopoints.web.routes import (
    account_pages,
    admin_pages,
    api,
    corrections_pages,
    dashboard_pages,
    finance_api,
    finance_bank_pages,
    finance_firm_pages,
    finance_loan_pages,
    finance_stats_pages,
    health,
    import_pages,
    me_pages,
    officer_api,
    pages,
    policy_api,
    pool_api,
    pool_pages,
    potential_api,
    profile_api,
    profile_pages,
    reports,
    rounds_pages,
    targets_api,
    transfer_api,
    transfer_institution_pages,
    transfer_pages,
    transfer_staff_api,
    transfer_staff_pages,
    transfer_work_pages,
)
from innopoints.web.upload_limit import UploadLimitMiddleware

CACHE_SECONDS = 60.0

# Starlette tries routes in this order (about 2.5 µs per route passed over), so the busiest pages come first:
# the firm list and the profile page (none of their paths shadows a later route).
ROUTERS = [
    pages.router,
    profile_pages.router,
    account_pages.router,
    api.router,
    profile_api.router,
    potential_api.router,
    policy_api.router,
    targets_api.router,
    pool_api.router,
    import_pages.router,  # issue 5: 数据导入, 企业端, 更正审核, 管理, PDF reports
    me_pages.router,
    corrections_pages.router,
    admin_pages.router,
    reports.router,
    dashboard_pages.router,  # issue 5: 首页, 积分评价, 培育库
    rounds_pages.router,
    pool_pages.router,
    officer_api.router,
    transfer_pages.router,  # issue 7: 成果转化 pages (/transfer) and JSON API (/api/transfer)
    transfer_institution_pages.router,
    transfer_work_pages.router,
    transfer_staff_pages.router,
    transfer_api.router,
    transfer_staff_api.router,
    finance_bank_pages.router,  # issue 6: 科技金融 pages (/bank, /me/finance, /finance) and JSON API (/api/finance)
    finance_loan_pages.router,
    finance_firm_pages.router,
    finance_stats_pages.router,
    finance_api.router,
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
        # Route functions and the database dependencies run in this pool (see Settings.web_threads).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        yield
        app.state.audit_writer.close()
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
    app.state.audit_writer = AuditWriter(built.engine)
    errors.install(app)
    app.add_middleware(UploadLimitMiddleware)  # 413 for oversized uploads before the body is parsed
    static = resources.files("innopoints.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    vendor.mount(app, settings)  # /vendor/echarts.min.js, /vendor/htmx.min.js from node_modules
    app.include_router(health.router)
    protected = [Depends(csrf_protect)]  # every unsafe request made with a session cookie needs the token
    for router in ROUTERS:
        app.include_router(router, dependencies=protected)
    return app
