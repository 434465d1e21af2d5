"""Request-size limit for file uploads, enforced before the body is parsed.

FastAPI parses a multipart form (and the CSRF check reads it) before any route code runs, so the limit has to
sit in front of the application: a declared ``Content-Length`` above the limit is answered 413 at once without
reading the body; a body sent without a length is counted as it streams and refused the moment it passes
the limit. The answer is the usual Chinese error (JSON for ``/api/``, the error page otherwise).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from innopoints.registry.importing.staging import MAX_UPLOAD_BYTES, too_large_message

# Paths that accept uploads (POST) and their limit on the whole request body (the file plus the form's
# envelope: field names, boundaries and the CSRF token).
ENVELOPE_BYTES = 64 * 1024
UPLOAD_PATHS: dict[str, int] = {
    "/imports/upload": MAX_UPLOAD_BYTES,
    "/api/imports": MAX_UPLOAD_BYTES,
}


class _TooLarge(Exception):
    pass


class UploadLimitMiddleware:
    def __init__(self, app: ASGIApp, paths: dict[str, int] | None = None) -> None:
        self.app = app
        self.paths = UPLOAD_PATHS if paths is None else paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT"):
            await self.app(scope, receive, send)
            return
        limit = self.paths.get(scope.get("path", ""))
        if limit is None:
            await self.app(scope, receive, send)
            return
        allowed = limit + ENVELOPE_BYTES
        declared = _content_length(scope)
        if declared is not None and declared > allowed:
            await self._refuse(scope, receive, send, limit, declared)
            return
        state: dict[str, Any] = {"received": 0, "exceeded": False, "started": False}

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > allowed:
                    state["exceeded"] = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            if state["exceeded"]:
                return  # the app's answer to the aborted body is replaced by the 413 below
            state["started"] = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            state["exceeded"] = True
        if state["exceeded"] and not state["started"]:
            await self._refuse(scope, receive, send, limit, None)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int, size: int | None) -> None:
        from innopoints.web.errors import error_response

        request = Request(scope, receive)
        response = error_response(request, 413, "payload_too_large", too_large_message(limit, size))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
