"""Swagger UI at /docs and ReDoc at /redoc from files in the dashboard build: no CDN, strict CSP."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from driftscope.settings import Settings

# Where the dashboard build puts them (frontend/vite-plugin-api-docs.ts, public/openapi-ui/).
ASSETS = "/openapi-ui"
SWAGGER_FILES = ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "swagger-init.js")
REDOC_FILES = ("redoc/redoc.standalone.js",)
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
NO_STORE = {"Cache-Control": "no-cache"}

# Every script is a file of this origin (the CSP has no 'unsafe-inline' for scripts): Swagger UI
# starts from swagger-init.js with its settings in data-* attributes; ReDoc starts itself on the
# <redoc spec-url> element. ReDoc's search runs in a worker made from a blob: URL, which the CSP
# refuses (worker-src blob: would let any script on the origin run code from a string), so it is
# turned off: the sidebar lists every operation anyway.
SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Swagger UI</title>
<link rel="icon" href="{root}/favicon.svg">
<link rel="stylesheet" href="{assets}/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi}" data-oauth2-redirect-url="{oauth2}"></div>
<script src="{assets}/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-init.js"></script>
</body>
</html>
"""
REDOC_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - ReDoc</title>
<link rel="icon" href="{root}/favicon.svg">
<style>body {{ margin: 0; }}</style>
</head>
<body>
<redoc spec-url="{openapi}" disable-search="true"></redoc>
<script src="{assets}/redoc/redoc.standalone.js"></script>
</body>
</html>
"""
OAUTH2_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Swagger UI: OAuth2 redirect</title></head>
<body>
<script src="{assets}/swagger-ui/oauth2-redirect.js"></script>
</body>
</html>
"""
NOT_BUILT = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title} - API documentation</title></head>
<body style="background:#0b1020;color:#e5e7eb;font-family:system-ui;padding:3rem">
<h1>API documentation is not available yet</h1>
<p>{viewer} is served from the dashboard build, which is missing ({missing}). Build it with
<code>npm ci &amp;&amp; npm run build</code> in <code>frontend/</code> (or
<code>scripts/setup.sh --build-frontend</code>) and reload.</p>
<p>The OpenAPI document itself is at <a style="color:#60a5fa" href="{openapi}">{openapi}</a>.</p>
</body>
</html>
"""


def install_docs(app: FastAPI, settings: Settings) -> None:
    """Register /docs, /docs/oauth2-redirect and /redoc (create the app with docs_url=None)."""
    dist = settings.frontend_dist

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return _page(app, request, dist, "Swagger UI", SWAGGER_FILES, SWAGGER_PAGE)

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    async def swagger_ui_oauth2_redirect(request: Request) -> HTMLResponse:
        assets = escape(_root(request) + ASSETS)
        return HTMLResponse(OAUTH2_PAGE.format(assets=assets), headers=NO_STORE)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return _page(app, request, dist, "ReDoc", REDOC_FILES, REDOC_PAGE)


def _page(
    app: FastAPI, request: Request, dist: Path, viewer: str, files: tuple[str, ...], page: str
) -> HTMLResponse:
    root = _root(request)
    links = {
        "title": escape(app.title),
        "root": escape(root),
        "assets": escape(root + ASSETS),
        "openapi": escape(root + (app.openapi_url or "/openapi.json")),
        "oauth2": escape(root + OAUTH2_REDIRECT),
    }
    # Checked on each request, like the dashboard itself: a build after start-up is picked up.
    missing = [name for name in files if not (dist / ASSETS.lstrip("/") / name).is_file()]
    if missing:
        where = escape(str(dist / ASSETS.lstrip("/") / missing[0]))
        body = NOT_BUILT.format(viewer=viewer, missing=where, **links)
        return HTMLResponse(body, status_code=503, headers=NO_STORE)
    return HTMLResponse(page.format(**links), headers=NO_STORE)


def _root(request: Request) -> str:
    """The path the app is mounted at behind a proxy (ASGI root_path), without a trailing slash."""
    root_path: str = request.scope.get("root_path", "")
    return root_path.rstrip("/")
