"""The dashboard in a real browser (Debian's Chromium via Playwright) against a real server:
live counter, inject drift through the simulator control, drift page with a flagged feature.

Screenshots are saved under var/screenshots/ for people to look at.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_frame
from driftscope.settings import REPO_ROOT, Settings
from driftscope_backend.app import create_app
from driftscope_worker.monitor import drift_and_performance
from driftscope_worker.scheduler import make_context

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


def _require(condition: bool, why: str) -> None:
    if not condition:
        if os.environ.get("DRIFTSCOPE_REQUIRE_BROWSER") == "1":
            pytest.fail(why)
        pytest.skip(why)


def _records(n: int, seed: int, shift: float = 0.0) -> list[dict[str, Any]]:
    frame = generate_frame(n, seed=seed)[FRAUD_CONTRACT.names].astype(object)
    records: list[dict[str, Any]] = frame.where(frame.notna(), None).to_dict("records")
    for record in records:
        if shift and record["distance_from_home_km"] is not None:
            record["distance_from_home_km"] = min(
                20_040.0, record["distance_from_home_km"] * shift + 500
            )
    return records


def _check_prerequisites(settings: Settings) -> None:
    _require(CHROMIUM.exists(), "Debian chromium is not installed (scripts/setup.sh --browser)")
    _require(
        (settings.frontend_dist / "index.html").exists(), "dashboard not built (npm run build)"
    )


@pytest.fixture
async def live_server(registered_settings: Settings) -> AsyncIterator[tuple[str, Settings]]:
    _check_prerequisites(registered_settings)
    settings = registered_settings.model_copy(
        update={"admin_api_keys": "k1", "window_s": 600.0, "monitor_interval_s": 1.0}
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", settings
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)


async def _traffic_and_report(base: str, settings: Settings) -> None:
    """Clean then shifted traffic, then one worker run, so the drift page has a flagged feature."""
    async with httpx.AsyncClient(base_url=base) as client:
        for i, records in enumerate((_records(600, 1), _records(600, 2, shift=6.0))):
            for start in range(0, len(records), 200):
                response = await client.post("/api/v1/predict", json=records[start : start + 200])
                assert response.status_code == 200, (i, response.text)
    await asyncio.sleep(1.2)  # rows flushed (200 ms) and a window boundary (1 s) passed
    ctx = make_context(settings)
    try:
        assert await drift_and_performance(ctx) >= 1
    finally:
        await ctx.engine.dispose()


async def test_dashboard_shows_live_traffic_drift_and_controls(
    live_server: tuple[str, Settings],
) -> None:
    from playwright.async_api import async_playwright, expect

    base, settings = live_server
    await _traffic_and_report(base, settings)
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1440, "height": 1000})
        await page.goto(f"{base}/#key=k1")
        await expect(page.locator("[data-state=live]")).to_be_visible(timeout=15_000)
        assert "#key" not in page.url  # the admin key is stored and removed from the address bar
        served = page.get_by_text("Predictions served")
        await expect(served).to_be_visible()
        async with httpx.AsyncClient(base_url=base) as client:
            await client.post("/api/v1/predict", json=_records(50, 3))
        await expect(page.get_by_text("1,250").first).to_be_visible(
            timeout=10_000
        )  # 1,200 + 50 scored
        await page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)

        await page.get_by_role("button", name="Inject drift").click()
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(50):
                desired = (await client.get("/api/v1/simulator")).json()["desired"]
                if desired["scenario"] != "auto":
                    break
                await asyncio.sleep(0.1)
        assert desired["scenario"] == "sudden"

        await page.get_by_role("link", name="Drift", exact=True).click()
        await expect(page.get_by_text("Features, most drifted first")).to_be_visible(timeout=10_000)
        row = page.get_by_role("row").filter(has_text="Distance from home km")
        await expect(row.get_by_text("drifted")).to_be_visible()
        await row.click()
        await page.wait_for_timeout(1_000)  # charts animate in
        await page.screenshot(path=str(SHOTS / "drift.png"), full_page=True)

        await page.get_by_role("link", name="Performance", exact=True).click()
        await page.wait_for_timeout(1_000)
        await page.screenshot(path=str(SHOTS / "performance.png"), full_page=True)
        await browser.close()
    assert (SHOTS / "drift.png").stat().st_size > 10_000
