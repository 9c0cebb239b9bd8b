"""/docs and /redoc: pages that load only this server's files and carry the strict CSP."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from backend.tests.conftest import Api

from driftscope.settings import Settings
from driftscope_backend.docs_ui import ASSETS, REDOC_FILES, SWAGGER_FILES
from driftscope_backend.edge.middleware import SECURITY_HEADERS

Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]
CSP = dict(SECURITY_HEADERS)[b"content-security-policy"].decode()
PAGES = ("/docs", "/redoc", "/docs/oauth2-redirect")


class Links(HTMLParser):
    """Every URL a page loads or links to, and the text of any inline script."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [
            url
            for name, url in values.items()
            if url and (name in ("src", "href") or name.endswith("-url"))
        ]
        self._in_script = tag == "script" and "src" not in values

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def links_of(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


@pytest.fixture
def built_dist(tmp_path: Path) -> Path:
    """A dashboard build holding the docs files (their content does not matter here)."""
    for name in (*SWAGGER_FILES, *REDOC_FILES, "swagger-ui/oauth2-redirect.js"):
        path = tmp_path / ASSETS.lstrip("/") / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"/* {name} */\n")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path / "index.html").write_text("<!doctype html><title>dashboard</title>")
    return tmp_path


@pytest.mark.parametrize("page", PAGES)
async def test_docs_pages_load_only_local_files_under_the_csp(
    serve: Serve, registered_settings: Settings, built_dist: Path, page: str
) -> None:
    settings = registered_settings.model_copy(update={"frontend_dist": built_dist})
    async with serve(settings) as api:
        response = await api.client.get(page)
        assert response.status_code == 200, response.text
        assert response.headers["content-security-policy"] == CSP
        links = links_of(response.text)
        assert links.urls, "the page loads nothing"
        assert links.inline_scripts == []  # the CSP would block them
        for url in links.urls:
            assert url.startswith("/") and not url.startswith("//"), url
            served = await api.client.get(url)
            assert served.status_code == 200, f"{page} loads {url}: {served.status_code}"


async def test_docs_pages_point_at_the_openapi_document(
    serve: Serve, registered_settings: Settings, built_dist: Path
) -> None:
    settings = registered_settings.model_copy(update={"frontend_dist": built_dist})
    async with serve(settings) as api:
        for page in ("/docs", "/redoc"):
            assert "/openapi.json" in links_of((await api.client.get(page)).text).urls
        swagger = (await api.client.get("/docs")).text
        assert 'data-oauth2-redirect-url="/docs/oauth2-redirect"' in swagger


async def test_docs_say_how_to_build_when_the_dashboard_is_not_built(
    serve: Serve, registered_settings: Settings, tmp_path: Path
) -> None:
    settings = registered_settings.model_copy(update={"frontend_dist": tmp_path / "dist"})
    async with serve(settings) as api:
        for page, viewer in (("/docs", "Swagger UI"), ("/redoc", "ReDoc")):
            response = await api.client.get(page)
            assert response.status_code == 503
            assert f"{viewer} is served from the dashboard build" in response.text
            assert "npm run build" in response.text
            assert links_of(response.text).urls == ["/openapi.json"]
            assert response.headers["content-security-policy"] == CSP


async def test_the_docs_are_not_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not {"/docs", "/redoc", "/docs/oauth2-redirect"} & set(paths)
