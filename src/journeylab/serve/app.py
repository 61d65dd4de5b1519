"""The HTTP surface (Starlette): ``POST /v1/events``, ``GET /v1/event-names``,
``GET /v1/live``, ``GET /healthz`` and the live page at ``/``.

Every refusal is one JSON object ``{"error": CODE, "detail": TEXT}`` with its status:
401 (no valid write key), 413 (over 500 events or 1 MiB), 400 (not JSON, not an event or
a batch, a broken gzip stream), 415 (another Content-Encoding), 503 (the log cannot be
written). A body that is read is answered 200 only once its events are on disk.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from journeylab.serve.appender import LogFailed
from journeylab.serve.auth import authorized
from journeylab.serve.batch import BodyError, gunzip
from journeylab.serve.page import PAGE
from journeylab.serve.server import EventServer

__all__ = ["create_app"]

_json = msgspec.json.Encoder()


def _reply(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(_json.encode(obj), status, headers, media_type="application/json")


def _refuse(server: EventServer, err: BodyError, headers: dict[str, str] | None = None) -> Response:
    server.stats.refused_request(err.reason)
    return _reply({"error": err.reason, "detail": err.detail}, err.status, headers)


_UNAUTHORIZED = BodyError(
    401,
    "unauthorized",
    "a valid write key is required: 'Authorization: Bearer KEY' or Basic with the key as user",
)


def create_app(server: EventServer) -> Starlette:
    """The ASGI app over an opened :class:`EventServer` (started and stopped with it)."""
    config = server.config
    key = config.write_key

    def allowed(request: Request) -> bool:
        header = request.headers.get("authorization")
        return authorized(None if header is None else header.encode("latin-1"), key)

    async def post_events(request: Request) -> Response:
        if not allowed(request):
            return _refuse(server, _UNAUTHORIZED, {"WWW-Authenticate": 'Bearer realm="journeylab"'})
        try:
            body = await _read_body(request, config.max_body_bytes)
            encoding = request.headers.get("content-encoding", "identity").strip().lower()
            if encoding == "gzip":
                body = gunzip(body, config.max_body_bytes)
            elif encoding not in ("identity", ""):
                raise BodyError(
                    415, "unsupported_encoding", f"Content-Encoding {encoding!r}: use gzip or none"
                )
            request_id, entry = server.receive(body)
        except BodyError as err:
            return _refuse(server, err)
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            await server.commit(entry)
        except LogFailed as exc:
            return _refuse(server, BodyError(503, "log_unavailable", str(exc)))
        return _reply(entry.reply(request_id))

    async def event_names(request: Request) -> Response:
        if not allowed(request):
            return _refuse(server, _UNAUTHORIZED, {"WWW-Authenticate": 'Bearer realm="journeylab"'})
        return _reply(await run_in_threadpool(server.event_names))

    async def live(request: Request) -> Response:
        if not allowed(request):
            return _refuse(server, _UNAUTHORIZED, {"WWW-Authenticate": 'Bearer realm="journeylab"'})
        return _reply({**server.stats.to_dict(), "lake": str(server.lake.path)})

    async def health(request: Request) -> Response:
        doc = server.health()
        return _reply(doc, 200 if doc["status"] == "ok" else 503)

    async def page(request: Request) -> Response:
        if not allowed(request):  # the browser asks for the key (as the user name)
            return Response(
                "A write key is required: enter it as the user name.",
                401,
                {"WWW-Authenticate": 'Basic realm="journeylab", charset="UTF-8"'},
            )
        return HTMLResponse(PAGE, headers={"Cache-Control": "no-store"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.start()
        try:
            yield
        finally:
            await run_in_threadpool(server.stop)

    middleware = []
    if config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Content-Encoding"],
                max_age=600,
            )
        )
    return Starlette(
        routes=[
            Route("/v1/events", post_events, methods=["POST"]),
            Route("/v1/event-names", event_names, methods=["GET"]),
            Route("/v1/live", live, methods=["GET"]),
            Route("/healthz", health, methods=["GET"]),
            Route("/", page, methods=["GET"]),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )


async def _read_body(request: Request, limit: int) -> bytes:
    """The body as sent, refused (413) as soon as it is longer than ``limit`` bytes."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise BodyError(400, "invalid_length", f"Content-Length {length[:40]!r}")
        if int(length) > limit:
            raise BodyError(413, "too_large", f"{int(length)} bytes; at most {limit} a request")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyError(413, "too_large", f"more than {limit} bytes; at most {limit} a request")
        chunks.append(chunk)
    return b"".join(chunks)
