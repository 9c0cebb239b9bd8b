"""The demo as a visitor sees it: real `serve`, `worker` and `simulate` processes on SQLite with
short intervals, the built dashboard in Debian's Chromium (Playwright).

Checks: the prediction counter rises; the drift table lists all 12 features; "Inject drift"
turns at least one feature amber or red within 90 s; clicking a feature shows its overlay
chart; the Predict form returns a probability. With a second model trained from a CSV
(`driftscope train --data --target --name flights`): the landing table lists both, the header
switcher and a row click choose it, the URL and every page link carry `?model=flights`. With the
content model and the simulator's content stream in a `campaign`: its Drift page shows a bar per
text descriptor, at least one amber or red, and the words that moved. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.settings import REPO_ROOT, Settings
from driftscope.testing.content_model import ContentArtifact, register_content
from driftscope.testing.user_model import FLIGHTS_TARGET, flights_csv
from driftscope.testing.waiting import wait_until_sync
from driftscope.text.descriptors import DESCRIPTORS

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, Playwright, Route

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = REPO_ROOT / "var" / "screenshots"
DRIFTSCOPE = str(Path(sys.executable).with_name("driftscope"))
KEY = "e2e-admin-key"


def _require(condition: bool, why: str) -> None:
    if not condition:
        if os.environ.get("DRIFTSCOPE_REQUIRE_BROWSER") == "1":
            pytest.fail(why)
        pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(base: str, procs: list[subprocess.Popen[bytes]]) -> None:
    def ready() -> bool:
        assert all(p.poll() is None for p in procs), "a demo process exited early"
        try:
            return httpx.get(f"{base}/ready", timeout=10).status_code == 200
        except httpx.HTTPError:
            return False

    # imports, migrations and the model warm-up on a loaded 2-core machine
    wait_until_sync(ready, what="the backend to be ready", timeout_s=120, interval_s=0.3)


def _counter_rises(tile: Locator, above: int) -> int:
    """The tile's number once it is above `above` (the live stats arrive once a second)."""
    wait_until_sync(
        lambda: _number(tile.inner_text()) > above,
        what=f"the prediction counter to rise above {above}",
        timeout_s=60,  # the simulator starts (imports, first PUT) slowly on a busy machine
        interval_s=0.5,
    )
    return _number(tile.inner_text())


def _demo_env(settings: Settings, base: str) -> dict[str, str]:
    return {
        **os.environ,
        "DRIFTSCOPE_DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.resolved_database_url,
        "DRIFTSCOPE_ADMIN_API_KEYS": KEY,
        "DRIFTSCOPE_API_URL": base,
        "DRIFTSCOPE_ALERT_CONSECUTIVE_WINDOWS": "2",
    }


@contextmanager
def _running(settings: Settings, logs: Path, commands: dict[str, list[str]]) -> Iterator[str]:
    """`driftscope serve` on a free port (ready), then the other commands; yields the base URL."""
    _require(CHROMIUM.exists(), "Debian chromium is not installed (scripts/setup.sh --browser)")
    _require(
        (settings.frontend_dist / "index.html").exists(), "dashboard not built (npm run build)"
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _demo_env(settings, base)
    commands = {"serve": [DRIFTSCOPE, "serve", "--port", str(port)], **commands}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for name, command in commands.items():
            log = (logs / f"{name}.log").open("wb")
            procs.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT))
            if name == "serve":
                _wait_ready(base, procs)
        yield base
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def demo(registered_settings: Settings, tmp_path: Path) -> Iterator[str]:
    """serve + worker (2 s interval, 20 s window) + simulator (50 req/s, no drift) on SQLite."""
    simulate = ["simulate", "--rate", "50", "--scenario", "none", "--seed", "5"]
    commands = {
        "worker": [DRIFTSCOPE, "worker", "--interval", "2", "--window", "20"],
        "simulate": [DRIFTSCOPE, *simulate, "--label-delay", "1", "3", "--quiet"],
    }
    with _running(registered_settings, tmp_path, commands) as base:
        yield base


@pytest.fixture
def content_demo(
    registered_settings: Settings, trained_content: ContentArtifact, tmp_path: Path
) -> Iterator[str]:
    """The demo fixture's processes with the content model too; its stream in a campaign."""
    asyncio.run(register_content(registered_settings, trained_content))
    simulate = ["simulate", "--rate", "10", "--scenario", "none", "--seed", "6"]
    content = ["--content-rate", "30", "--content-scenario", "campaign", "--content-intensity", "2"]
    commands = {
        "worker": [DRIFTSCOPE, "worker", "--interval", "2", "--window", "20"],
        "simulate": [DRIFTSCOPE, *simulate, *content, "--label-delay", "1", "3", "--quiet"],
    }
    with _running(registered_settings, tmp_path, commands) as base:
        yield base


@pytest.fixture
def server(registered_settings: Settings, tmp_path: Path) -> Iterator[str]:
    """`driftscope serve` alone."""
    with _running(registered_settings, tmp_path, {}) as base:
        yield base


@pytest.fixture
def two_models(registered_settings: Settings, tmp_path: Path) -> Iterator[str]:
    """`driftscope serve` with fraud and a flights model trained from a user's CSV by the CLI."""
    csv = flights_csv(tmp_path / "csv")
    train = [DRIFTSCOPE, "train", "--data", str(csv), "--target", FLIGHTS_TARGET]
    env = _demo_env(registered_settings, "http://127.0.0.1:0")
    with (tmp_path / "train.log").open("wb") as log:
        trained = subprocess.run(
            [*train, "--name", "flights"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    assert trained.returncode == 0, (tmp_path / "train.log").read_text()
    with _running(registered_settings, tmp_path, {}) as base:
        yield base


def _number(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text) or 0)


def test_dashboard_live_counter_drift_overlay_and_predict(demo: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(f"{demo}/#key={KEY}")
        expect(page.locator("[data-state=live]")).to_be_visible(timeout=20_000)
        assert "#key" not in page.url  # the admin key is stored and removed from the address bar

        tile = page.get_by_text("Predictions served").locator("xpath=..")
        expect(tile).to_be_visible()
        rising_from = _counter_rises(tile, _number(tile.inner_text()))
        _counter_rises(tile, rising_from)  # and keeps rising
        page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)

        page.get_by_role("link", name="Drift", exact=True).click()
        expect(page.get_by_text("Features, most drifted first")).to_be_visible(timeout=30_000)
        rows = page.locator("tbody tr")
        expect(rows).to_have_count(len(FRAUD_CONTRACT.features), timeout=30_000)

        page.get_by_role("link", name="Overview", exact=True).click()
        page.get_by_role("button", name="Inject drift").click()
        expect(page.get_by_text(re.compile("sudden", re.IGNORECASE)).first).to_be_visible(
            timeout=30_000
        )

        page.get_by_role("link", name="Drift", exact=True).click()
        flagged = page.locator("tbody tr").filter(
            has_text=re.compile("drifted|warning")
        )  # cells join without spaces
        expect(flagged.first).to_be_visible(timeout=90_000)
        flagged.first.click()
        expect(page.get_by_text("Latest window").first).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Training reference").first).to_be_visible()
        page.wait_for_timeout(1_000)
        page.screenshot(path=str(SHOTS / "drift.png"), full_page=True)

        page.get_by_role("link", name="Predict", exact=True).click()
        page.get_by_role("button", name="Score transaction").click()
        meter = page.get_by_role("meter", name="Fraud probability")
        expect(meter).to_be_visible(timeout=30_000)
        probability = float(meter.get_attribute("aria-valuenow") or "nan")
        assert 0.0 <= probability <= 1.0
        page.screenshot(path=str(SHOTS / "predict.png"), full_page=True)
        browser.close()


def test_dashboard_switches_between_models(two_models: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(two_models)
        table = page.locator("tr[data-model]")
        expect(table).to_have_count(2, timeout=30_000)
        assert table.evaluate_all("rows => rows.map(r => r.dataset.model)") == ["fraud", "flights"]
        expect(table.first).to_have_attribute("data-chosen", "true")
        switcher = page.get_by_role("combobox", name="Model")
        expect(switcher).to_have_value("fraud")
        page.screenshot(path=str(SHOTS / "overview-models.png"), full_page=True)

        page.locator("tr[data-model=flights]").click()
        expect(page).to_have_url(re.compile(r"/\?model=flights$"))
        expect(switcher).to_have_value("flights")
        expect(page.locator("tr[data-model=flights]")).to_have_attribute("data-chosen", "true")
        drift_link = page.get_by_role("link", name="Drift", exact=True)
        expect(drift_link).to_have_attribute("href", "/drift?model=flights")
        expect(page.get_by_text("flights v1")).to_be_visible(timeout=30_000)  # its versions
        expect(page.get_by_text("unknown model")).to_have_count(0)
        page.screenshot(path=str(SHOTS / "overview-flights.png"), full_page=True)

        drift_link.click()  # a model the worker has not reported on yet: said so, no error
        expect(page).to_have_url(re.compile(r"/drift\?model=flights$"))
        expect(page.get_by_text("No drift report yet").first).to_be_visible(timeout=30_000)
        expect(page.get_by_text("unknown model")).to_have_count(0)

        page.get_by_role("link", name="Predict", exact=True).click()
        expect(page).to_have_url(re.compile(r"/predict\?model=flights$"))
        expect(page.get_by_text("Score one row with the production version of")).to_be_visible()
        expect(page.get_by_label("Carrier", exact=True)).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Score row").click()  # its schema's form, its route
        meter = page.get_by_role("meter", name="Probability of delayed")
        expect(meter).to_be_visible(timeout=30_000)
        page.screenshot(path=str(SHOTS / "predict-flights.png"), full_page=True)

        switcher.select_option("fraud")  # back to the default model: no parameter
        expect(page).to_have_url(re.compile(r"/predict$"))
        expect(page.get_by_role("button", name="Score transaction")).to_be_visible(timeout=30_000)
        browser.close()


@contextmanager
def _dashboard(url: str) -> Iterator[Page]:
    """The dashboard at `url`, signed in with the admin key, in a fresh browser."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{url}/#key={KEY}")
            yield page
        finally:
            browser.close()


def test_content_model_drift_page_shows_descriptor_bars(content_demo: str) -> None:
    from playwright.sync_api import expect

    with _dashboard(content_demo) as page:
        switcher = page.get_by_role("combobox", name="Model")
        expect(switcher.locator("option[value=content]")).to_be_attached(timeout=30_000)
        switcher.select_option("content")
        page.get_by_role("link", name="Drift", exact=True).click()
        expect(page).to_have_url(re.compile(r"/drift\?model=content$"))
        for descriptor in DESCRIPTORS:  # a row with its PSI bar for each
            row = page.locator(f'tr[data-feature="text.{descriptor}"]')
            expect(row.locator('[title^="PSI "]')).to_be_visible(timeout=60_000)
        descriptors = page.locator('tr[data-feature^="text."]')
        # 2003 spam only (intensity 2): some descriptor leaves the 2002 reference
        flagged = descriptors.filter(has_text=re.compile("drifted|warning"))
        expect(flagged.first).to_be_visible(timeout=90_000)
        expect(page.get_by_text("Words that moved · text")).to_be_visible(timeout=30_000)
        page.wait_for_timeout(1_000)  # the bars' transition
        page.screenshot(path=str(SHOTS / "drift-content.png"), full_page=True)


# ReDoc's sidebar credit always shows Redocly's logo from their CDN; the CSP refuses it (no
# request is made) and ReDoc hides the image.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@contextmanager
def _offline_page(pw: Playwright, base: str) -> Iterator[tuple[Page, list[str]]]:
    """A page that can reach only `base`, as on a machine without internet, and a list that
    collects what went wrong: requests elsewhere, script errors, console errors (CSP refusals)."""
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    problems: list[str] = []

    def only_local(route: Route) -> None:
        if route.request.url.startswith(f"{base}/"):
            route.continue_()
        else:
            problems.append(f"request to {route.request.url}")
            route.abort("internetdisconnected")

    try:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.route("**/*", only_local)
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: message.type == "error" and problems.append(message.text),
        )
        yield page, problems
    finally:
        browser.close()


def test_swagger_ui_offline_runs_predict(server: str) -> None:
    """/docs with no internet and the strict CSP: POST /api/v1/predict → Try it out → 200."""
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw, _offline_page(pw, server) as (page, problems):
        page.goto(f"{server}/docs")
        predict = page.locator(".opblock-post").filter(
            has=page.locator('.opblock-summary-path[data-path="/api/v1/predict"]')
        )
        predict.locator(".opblock-summary").click()
        predict.get_by_role("button", name="Try it out").click()
        predict.get_by_role("button", name="Execute").click()
        status = predict.locator(".live-responses-table .response .response-col_status")
        expect(status).to_have_text("200", timeout=30_000)
        expect(predict.locator(".live-responses-table")).to_contain_text("fraud_probability")
        predict.screenshot(path=str(SHOTS / "docs.png"))  # the request and its 200
        assert problems == []


def test_redoc_offline_renders_the_api(server: str) -> None:
    """/redoc with no internet and the strict CSP shows the operations."""
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw, _offline_page(pw, server) as (page, problems):
        page.goto(f"{server}/redoc")
        expect(page.get_by_role("heading", name=re.compile("^Driftscope"))).to_be_visible(
            timeout=30_000
        )
        expect(page.locator("[data-section-id]").first).to_be_attached()
        page.screenshot(path=str(SHOTS / "redoc.png"))
        unexpected = [problem for problem in problems if REDOC_LOGO not in problem]
        assert unexpected == [], "\n".join(unexpected)
