"""Serves the built dashboard (frontend/dist) at `/`, with index.html for client-side routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from driftscope.errors import NotFoundError

NOT_BUILT = """<!doctype html><html><head><title>Driftscope</title></head>
<body style="background:#0b1020;color:#e5e7eb;font-family:system-ui;padding:3rem">
<h1>Driftscope API is running</h1>
<p>The dashboard is not built yet: run <code>scripts/demo.sh</code> (or <code>npm ci && npm run build</code> in
<code>frontend/</code>) and reload.</p><p>API documentation: <a style="color:#60a5fa" href="/docs">/docs</a></p>
</body></html>"""
API_PREFIXES = ("api/", "ws/", "docs", "redoc", "openapi.json", "metrics", "health", "ready")


def install_dashboard(app: FastAPI, dist: Path) -> None:
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    async def dashboard(path: str, request: Request) -> Response:
        if path.startswith(API_PREFIXES):
            raise NotFoundError(f"no such endpoint: /{path}")
        index = root / "index.html"
        if not index.exists():
            return HTMLResponse(NOT_BUILT)
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            immutable = candidate.parent.name == "assets"  # hashed file names from Vite
            headers = (
                {"Cache-Control": "public, max-age=31536000, immutable"} if immutable else None
            )
            return FileResponse(candidate, headers=headers)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
