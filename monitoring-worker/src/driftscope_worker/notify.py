"""Alert notifications: a generic JSON webhook (Slack-compatible `text`), retried, never fatal."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)


class WebhookNotifier:
    def __init__(
        self, url: str | None, *, timeout_s: float = 5.0, retries: int = 3, backoff_s: float = 0.5
    ) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.sent = 0
        self.failed = 0

    @staticmethod
    def message(alert: dict[str, Any]) -> dict[str, Any]:
        icon = ":rotating_light:" if alert["change"] == "opened" else ":white_check_mark:"
        subject = f"{alert['kind']}" + (f" on {alert['feature']}" if alert.get("feature") else "")
        subject += f" of model {alert['model']}" if alert.get("model") else ""
        return {
            "text": f"{icon} Driftscope {alert['severity']} alert {alert['change']}: {subject}. {alert['message']}",
            "alert": alert,
        }

    async def send(self, alert: dict[str, Any]) -> bool:
        """POST the alert; retry on errors and 5xx/429 with backoff. False when all attempts fail."""
        if not self.url:
            return False
        body = self.message(alert)
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            for attempt in range(1, self.retries + 1):
                try:
                    response = await client.post(self.url, json=body)
                    if response.status_code < 400:
                        self.sent += 1
                        return True
                    retryable = response.status_code >= 500 or response.status_code == 429
                    log.warning("webhook answered %d (attempt %d)", response.status_code, attempt)
                    if not retryable:
                        break
                except httpx.HTTPError as exc:
                    log.warning("webhook failed (attempt %d): %s", attempt, exc)
                if attempt < self.retries:
                    await asyncio.sleep(self.backoff_s * 2 ** (attempt - 1))
        self.failed += 1
        return False


class RecordingNotifier(WebhookNotifier):
    """Keeps every page the worker would send instead of posting it (the replay harness and
    tests read them)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.pages: list[dict[str, Any]] = []

    async def send(self, alert: dict[str, Any]) -> bool:
        self.pages.append(alert)
        return True
