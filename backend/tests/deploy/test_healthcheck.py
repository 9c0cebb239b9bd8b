"""deploy/healthcheck.py: HTTP and main-process checks used by the container healthchecks."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import ModuleType

import pytest
from backend.tests.deploy.checks import HEALTHCHECK


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("healthcheck", HEALTHCHECK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/ready" else 503)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_http_check_passes_on_2xx_only(server: str) -> None:
    healthcheck = load()
    assert healthcheck.main(["--http", f"{server}/ready"]) == 0
    assert healthcheck.main(["--http", f"{server}/ready", "--http", f"{server}/down"]) == 1
    assert healthcheck.main(["--http", "http://127.0.0.1:9/nothing"]) == 1


def fake_proc(tmp_path: Path, argv: list[str], state: str) -> Path:
    (tmp_path / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    (tmp_path / "stat").write_text(f"1 (driftscope) {state} 0 1 1 0 -1")
    return tmp_path


def test_process_check_wants_the_expected_main_process(tmp_path: Path) -> None:
    healthcheck = load()
    worker = ["/app/.venv/bin/python", "/app/.venv/bin/driftscope", "worker"]
    assert healthcheck.process_ok("worker", fake_proc(tmp_path, worker, "S")) is None
    assert "zombie" in healthcheck.process_ok("worker", fake_proc(tmp_path, worker, "Z"))
    assert "not 'simulate'" in healthcheck.process_ok("simulate", fake_proc(tmp_path, worker, "S"))
    assert "unreadable" in healthcheck.process_ok("worker", tmp_path / "missing")
