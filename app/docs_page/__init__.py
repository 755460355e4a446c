"""The interactive API docs at `/docs`, served with no asset from the internet.

FastAPI's default page loads Swagger UI from a CDN and starts it with an
inline script. Field offices often sit on closed networks and the server's
Content-Security-Policy forbids inline scripts, so the page, its start-up
script and the Swagger UI files (from the swagger-ui-bundle-v2 package) are all
served by this server. Swagger UI 5 is needed to read OpenAPI 3.1, the
version FastAPI generates.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS_PREFIX = "/docs-assets"

DOCS_HTML = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cencomm-cug API</title>
<link rel="stylesheet" href="{ASSETS_PREFIX}/swagger-ui.css">
<link rel="icon" href="{ASSETS_PREFIX}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS_PREFIX}/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
"""

START_JS = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  oauth2RedirectUrl: window.location.origin + "/docs-assets/oauth2-redirect.html",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  validatorUrl: null,
});
"""


def install_docs(app: FastAPI) -> None:
    """Serve `/docs` and its assets; the app must be created with docs_url=None."""
    assets = Path(swagger_ui_path)
    app.mount(ASSETS_PREFIX, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs_page() -> HTMLResponse:
        return HTMLResponse(DOCS_HTML)

    @app.get("/docs/start.js", include_in_schema=False)
    async def docs_start() -> Response:
        return Response(START_JS, media_type="text/javascript")
