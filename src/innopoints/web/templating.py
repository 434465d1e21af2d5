"""Jinja2 environment (autoescape on) and the page renderer that adds the synthetic-data banner.

Every template gets ``viewer`` (the signed-in principal or None), ``nav`` (the entries their role may use),
``csrf_input()`` (the hidden field every form must contain) and ``csrf_token()``.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from innopoints.web import auth, navigation, presenters
from innopoints.web.panel_table import panel_rows

templates = Jinja2Templates(directory=str(resources.files("innopoints.web").joinpath("templates")))
templates.env.autoescape = True
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True
presenters.register(templates.env)


@pass_context
def _csrf_token(context: Any) -> str:
    return auth.csrf_token_for(context["request"]) or ""


@pass_context
def _csrf_input(context: Any) -> Markup:
    token = auth.csrf_token_for(context["request"]) or ""
    return Markup(f'<input type="hidden" name="{auth.CSRF_FIELD}" value="{escape(token)}">')


templates.env.globals.update(csrf_token=_csrf_token, csrf_input=_csrf_input, panel_rows=panel_rows)


def _viewer(request: Request) -> Any:
    try:
        return auth.optional_principal(request)
    except Exception:  # an invalid token on an error page: render as signed out
        return None


def render(
    request: Request, name: str, context: dict[str, Any], *, synthetic: bool, status_code: int = 200
) -> HTMLResponse:
    """Render a page; ``synthetic`` shows the 演示数据 banner (decided from the data, cached)."""
    viewer = _viewer(request)
    full = {"synthetic": synthetic, "viewer": viewer, "nav": navigation.items_for(viewer), **context}
    response = templates.TemplateResponse(request, name, full, status_code=status_code)
    auth.set_login_csrf_cookie(
        request, response, secure=request.app.state.settings.environment == "production"
    )
    return response
