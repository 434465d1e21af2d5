"""Browser libraries (ECharts, htmx) served offline under ``/vendor/`` straight from npm's ``node_modules``.

The files are installed by ``npm ci`` from the repository's package.json / package-lock.json (``make setup``
runs it) and are never copied into the repository. Only the files listed in :data:`VENDOR_FILES` are served.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse

from innopoints.errors import NotFound
from innopoints.settings import Settings

# URL name under /vendor/ -> path inside node_modules
VENDOR_FILES: dict[str, str] = {
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
}
CACHE_CONTROL = "public, max-age=86400"
_CHECKOUT = Path(__file__).resolve().parents[3]  # src/innopoints/web/vendor.py -> the source checkout


class VendorMissing(RuntimeError):
    """The browser libraries are not installed (``npm ci`` was not run)."""


def _candidates(settings: Settings) -> list[Path]:
    if settings.node_modules is not None:
        return [settings.node_modules]
    return [Path.cwd() / "node_modules", _CHECKOUT / "node_modules"]


def resolve_node_modules(settings: Settings) -> Path:
    """The node_modules folder holding every vendor file, or a clear error naming what to run."""
    tried = _candidates(settings)
    for folder in tried:
        if all((folder / rel).is_file() for rel in VENDOR_FILES.values()):
            return folder.resolve()
    looked = "、".join(str(p) for p in tried)
    raise VendorMissing(
        f"找不到网页图表与交互所需的浏览器库（{', '.join(VENDOR_FILES.values())}），已查找：{looked}。"
        "请在仓库根目录运行 `npm ci`（`make setup` 会自动执行），或用 INNOPOINTS_NODE_MODULES 指向 node_modules 目录 "
        "(browser libraries missing: run `npm ci` in the repository root or set INNOPOINTS_NODE_MODULES)"
    )


def mount(app: FastAPI, settings: Settings) -> None:
    """Serve ``/vendor/<name>`` for the listed files (fails at start-up when they are missing)."""
    folder = resolve_node_modules(settings)
    router = APIRouter(include_in_schema=False)

    @router.get("/vendor/{name}", name="vendor")
    def vendor(name: str) -> FileResponse:
        rel = VENDOR_FILES.get(name)
        if rel is None:
            raise NotFound(f"没有名为“{name}”的前端库文件 (unknown vendor file)")
        return FileResponse(
            folder / rel, media_type="text/javascript", headers={"Cache-Control": CACHE_CONTROL}
        )

    app.include_router(router)
