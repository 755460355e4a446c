"""The web frontend: `clients/web` served at `/`, its files under `/web/`.

The frontend is plain HTML, CSS and JavaScript modules with no build step, so
the server only has to hand out the files. They are looked up in this order:

1. the folder named by the `CENCOMM_WEB_DIR` environment variable, which a
   deployment sets when the package is installed without the repository
   (a non-editable `pip install`, a container image);
2. `clients/web` of the repository this package was loaded from, which is
   what an editable install and a checkout use.

With neither present, the server runs without the frontend and logs
`web.not_found`; the API and `/docs` are unaffected.
"""

from __future__ import annotations

import os
from pathlib import Path

import structlog
from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from app.context import Context

logger = structlog.get_logger(__name__)

WEB_DIR_VARIABLE = "CENCOMM_WEB_DIR"
ASSETS_PREFIX = "/web"
REPOSITORY_WEB_DIR = Path(__file__).resolve().parent.parent / "clients" / "web"
INDEX_FILE = "index.html"
# Browsers revalidate every file with its ETag, so a new release is picked up
# at the next page load instead of after a heuristic cache lifetime.
CACHE_CONTROL = "no-cache"


class RevalidatedStaticFiles(StaticFiles):
    """Static files that browsers must revalidate before each use."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response


def find_web_dir() -> Path | None:
    """Return the frontend folder, or None when it is not installed.

    Raises RuntimeError when `CENCOMM_WEB_DIR` is set but names no folder with
    an `index.html`, because that is a configuration mistake, not a choice.
    """
    configured = os.environ.get(WEB_DIR_VARIABLE, "")
    if configured:
        folder = Path(configured)
        if not (folder / INDEX_FILE).is_file():
            raise RuntimeError(
                f"{WEB_DIR_VARIABLE} is {configured!r}, which has no {INDEX_FILE}; "
                "set it to the clients/web folder of the cencomm-cug repository "
                "or unset it"
            )
        return folder
    if (REPOSITORY_WEB_DIR / INDEX_FILE).is_file():
        return REPOSITORY_WEB_DIR
    return None


def install_web(app: FastAPI) -> None:
    """Serve the frontend's page at `/` and its files under `/web/`."""
    folder = find_web_dir()
    if folder is None:
        logger.warning(
            "web.not_found",
            searched=str(REPOSITORY_WEB_DIR),
            hint=f"set {WEB_DIR_VARIABLE} to serve the web frontend",
        )
        return

    index = folder / INDEX_FILE

    @app.get("/", include_in_schema=False)
    async def web_page() -> FileResponse:
        return FileResponse(index, headers={"Cache-Control": CACHE_CONTROL})

    # Registered before the mount, which would otherwise take this path.
    @app.get(f"{ASSETS_PREFIX}/limits.json", include_in_schema=False)
    async def web_limits(context: Context) -> dict[str, int]:
        """Return the limits the compose form checks before sending."""
        settings = context.settings
        return {
            "max_body_chars": settings.max_body_chars,
            "max_attachments": settings.max_attachments,
            "max_attachment_bytes": settings.max_attachment_bytes,
        }

    app.mount(ASSETS_PREFIX, RevalidatedStaticFiles(directory=folder), name="web")
