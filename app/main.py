"""The application factory: lifespan, routers, middleware and error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.accounts.router import router as accounts_router
from app.accounts.tokens import TokenSigner
from app.attachments.router import router as attachments_router
from app.audit.router import router as audit_router
from app.config import Settings, get_settings
from app.context import AppContext, Context
from app.db import create_engine, create_sessionmaker
from app.docs_page import install_docs
from app.drafts.router import router as drafts_router
from app.errors import install_error_handlers, problem_response
from app.logs import configure_logging
from app.mailbox.cursors import EventCursorCodec
from app.mailbox.router import router as mailbox_router
from app.messages.router import router as messages_router
from app.middleware import BodyLimitMiddleware, RequestContextMiddleware
from app.openapi import install_openapi
from app.operations.router import router as operations_router
from app.pagination import CursorCodec
from app.push.hub import Hub
from app.push.pg_hub import PostgresHub
from app.push.router import router as push_router
from app.search.router import router as search_router
from app.web import install_web

logger = structlog.get_logger(__name__)
API_PREFIX = "/api/v1"


def build_hub(settings: Settings) -> Hub:
    """Choose the hub: PostgreSQL adds LISTEN/NOTIFY between processes."""
    if settings.is_sqlite:
        return Hub()
    return PostgresHub(settings.effective_database_url)


def create_context(settings: Settings) -> AppContext:
    secret = settings.resolved_secret_key()
    engine = create_engine(settings)
    return AppContext(
        settings=settings,
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        signer=TokenSigner(secret, timedelta(minutes=settings.access_token_minutes)),
        cursors=CursorCodec(secret),
        event_cursors=EventCursorCodec(secret),
        hub=build_hub(settings),
    )


ROUTERS = (
    accounts_router,
    operations_router,
    attachments_router,
    messages_router,
    mailbox_router,
    drafts_router,
    search_router,
    audit_router,
    push_router,
)


def _include_routers(api: APIRouter) -> None:
    for router in ROUTERS:
        api.include_router(router)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        context = create_context(settings)
        await context.hub.start()
        logger.info(
            "server.started",
            database=context.engine.dialect.name,
            data_dir=str(settings.data_dir),
        )
        try:
            yield {"context": context}
        finally:
            await context.hub.stop()
            await context.engine.dispose()
            logger.info("server.stopped")

    app = FastAPI(
        title="cencomm-cug",
        version="0.1.0",
        summary="Closed-user-group messaging for joint customs and police operations.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    install_web(app)
    install_error_handlers(app)

    api = APIRouter(prefix=API_PREFIX)
    _include_routers(api)
    app.include_router(api)
    install_openapi(app)

    @app.get("/healthz", tags=["service"])
    async def healthz() -> dict[str, str]:
        """Report that the process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["service"], response_model=None)
    async def readyz(context: Context) -> dict[str, str] | JSONResponse:
        """Report whether the database responds."""
        try:
            async with context.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            logger.warning("readyz.database_unavailable", error=str(exc))
            return problem_response(
                503, "Service Unavailable", "The database does not answer."
            )
        return {"status": "ok", "database": context.engine.dialect.name}

    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_json_bytes)
    app.add_middleware(RequestContextMiddleware)
    return app
