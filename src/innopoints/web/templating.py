"""Jinja2 environment (autoescape on) and the page renderer that adds the synthetic-data banner."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from innopoints.web import presenters

templates = Jinja2Templates(directory=str(resources.files("innopoints.web").joinpath("templates")))
templates.env.autoescape = True
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True
presenters.register(templates.env)


def render(
    request: Request, name: str, context: dict[str, Any], *, synthetic: bool, status_code: int = 200
) -> HTMLResponse:
    """Render a page; ``synthetic`` shows the 演示数据 banner (decided from the data, cached)."""
    full = {"synthetic": synthetic, **context}
    return templates.TemplateResponse(request, name, full, status_code=status_code)
