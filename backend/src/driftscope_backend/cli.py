"""`driftscope serve` (also `driftscope-backend`): run the API with uvicorn."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from driftscope.logs import configure_logging
from driftscope.settings import get_settings

# uvicorn's own access log is off: the edge middleware writes one structured line per request
# (with request id and model version); uvloop/httptools keep the path short. Stats messages are
# ~300 bytes: compressing them per WebSocket client costs CPU on the loop that serves /predict
# and saves nothing. bench/ starts its hello-world baseline with the same options.
UVICORN_OPTIONS: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "access_log": False,
    "ws_per_message_deflate": False,
}


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve predictions, the API and the dashboard (migrates the database on start)."""
    import uvicorn

    from driftscope_backend.app import create_app

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    uvicorn.run(
        create_app(),
        host=host,
        port=port,
        log_level=log_level,
        log_config=None,  # keep the handlers configure_logging installed
        **UVICORN_OPTIONS,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def main() -> None:
    typer.run(serve)
