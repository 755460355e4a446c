"""Pure ASGI middleware: request ids, security headers and the JSON body limit."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = structlog.get_logger(__name__)

# After this many bytes past the limit the server stops reading and closes.
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024
# Routes that stream multipart uploads and limit their size themselves.
STREAMED_UPLOAD_PATHS = (re.compile(r"^/api/v1/operations/[^/]+/attachments$"),)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class RequestContextMiddleware:
    """Bind a request id to the logs and set headers on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if 0 < len(incoming) <= 64 else secrets.token_hex(8)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-request-id", request_id.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                existing = {name.lower() for name, _ in message.get("headers", [])}
                if b"content-security-policy" not in existing:
                    extra.append(
                        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())
                    )
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in extra if h[0] not in existing),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Return 413 for a request body over `max_bytes`, except streamed uploads.

    The response must reach the client, so the rest of the body is read and
    discarded (up to DRAIN_LIMIT_BYTES) before the 413 is sent. A multipart
    POST to one of `streamed_paths` passes unbuffered, because that route
    limits the upload while it streams it. Every other body is buffered up to
    `max_bytes`, multipart ones included, since a route that does not stream
    would read any multipart body whole into memory.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        streamed_paths: Sequence[re.Pattern[str]] = STREAMED_UPLOAD_PATHS,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.streamed_paths = tuple(streamed_paths)

    def _is_streamed_upload(self, scope: Scope, content_type: str) -> bool:
        return (
            scope["method"] == "POST"
            and content_type.startswith("multipart/form-data")
            and any(path.match(scope["path"]) for path in self.streamed_paths)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        if self._is_streamed_upload(scope, content_type):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            more = message.get("more_body", False)
            if size > self.max_bytes:
                await self._drain(receive, more, size)
                await self._reject(send, size)
                return
            chunks.append(body)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {
                    "type": "http.request",
                    "body": b"".join(chunks),
                    "more_body": False,
                }
            return await receive()

        await self.app(scope, replay, send)

    async def _drain(self, receive: Receive, more: bool, size: int) -> None:
        while more and size <= self.max_bytes + DRAIN_LIMIT_BYTES:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            size += len(message.get("body", b""))
            more = message.get("more_body", False)

    async def _reject(self, send: Send, size: int) -> None:
        logger.info("request.body_too_large", limit=self.max_bytes)
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Payload Too Large",
                "status": 413,
                "detail": (
                    f"The request body has more than {self.max_bytes:,} bytes; "
                    f"at most {self.max_bytes:,} bytes are allowed."
                ),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
