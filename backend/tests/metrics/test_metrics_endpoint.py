"""GET /metrics after real traffic: names present, values equal to what was sent and stored."""

from __future__ import annotations

import pytest
from backend.tests.conftest import PREDICT, Api, transaction
from backend.tests.metrics.scraping import scrape, store_monitoring_rows, value

from driftscope.testing.waiting import wait_until
from driftscope_backend.metrics.requests import BUCKETS


async def test_predictions_total_counts_every_prediction_posted(api: Api) -> None:
    before = await scrape(api)
    singles = [await api.predict(transaction()) for _ in range(7)]
    batch = await api.predict([transaction(), transaction(amount=4800.0, hour_of_day=3)])
    assert all(r.status_code == 200 for r in [*singles, batch])
    results = [r.json() for r in singles] + batch.json()
    after = await scrape(api)

    counted = value(after, "driftscope_predictions_total") - value(
        before, "driftscope_predictions_total"
    )
    assert counted == 9
    for decision in ("fraud", "legit"):
        expected = sum(r["decision"] == decision for r in results)
        delta = value(after, "driftscope_predictions_total", decision=decision) - value(
            before, "driftscope_predictions_total", decision=decision
        )
        assert delta == expected
    # the counter is process-wide: other tests' models may be in it too
    served = {"model": "fraud", "version": "1", "variant": "production", "path": "model"}
    assert any(
        served.items() <= labels.items() for labels, _ in after["driftscope_predictions_total"]
    )


async def hold_background_flush(api: Api) -> None:
    """Make the writer's background loop wait an hour before its next flush.

    The loop reads the interval when it starts waiting, so the wait already running must end
    first: one row submitted as a full batch wakes it, and once that row is written the loop
    waits again, with the new interval (no fixed sleep that a busy machine could outlast).
    """
    writer = api.writer
    writer.flush_interval_s = 3600.0
    written, batch_rows, writer.batch_rows = writer.rows_written, writer.batch_rows, 1
    try:
        assert (await api.predict(transaction())).status_code == 200
    finally:
        writer.batch_rows = batch_rows
    await wait_until(lambda: writer.rows_written > written, what="the background flush of one row")


async def test_writer_gauges_follow_the_prediction_log(api: Api) -> None:
    await hold_background_flush(api)
    for _ in range(5):
        assert (await api.predict(transaction())).status_code == 200
    buffered = await scrape(api)
    assert value(buffered, "driftscope_writer_queue_depth_rows") == api.writer.depth == 5
    await api.flush()
    flushed = await scrape(api)

    assert value(flushed, "driftscope_writer_queue_depth_rows") == 0
    assert value(flushed, "driftscope_writer_rows_written_total") == await api.count() == 1 + 5
    assert value(flushed, "driftscope_writer_queue_capacity_rows") == api.writer.capacity
    assert value(flushed, "driftscope_writer_failed_flushes_total") == 0
    assert value(flushed, "driftscope_writer_rejected_requests_total") == 0
    assert value(flushed, "driftscope_websocket_clients") == 0
    assert value(flushed, "driftscope_model_loaded", model="fraud", version="1") == 1


async def test_request_histogram_counts_requests_by_route_template(api: Api) -> None:
    before = await scrape(api)
    for _ in range(3):
        assert (await api.predict(transaction())).status_code == 200
    assert (await api.client.get("/api/v1/no/such/123")).status_code == 404
    after = await scrape(api)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    count = "driftscope_http_request_duration_seconds_count"
    assert delta(count, method="POST", route=PREDICT, status="200") == 3
    assert delta(count, method="GET", status="404") == 1  # under the catch-all's template
    assert not any("/no/such" in labels["route"] for labels, _ in after[count])
    buckets = [
        (float(labels["le"]), v)
        for labels, v in after["driftscope_http_request_duration_seconds_bucket"]
        if labels["route"] == PREDICT and labels["status"] == "200"
    ]
    assert [le for le, _ in buckets] == [*BUCKETS, float("inf")]
    assert [v for _, v in buckets] == sorted(v for _, v in buckets)  # cumulative
    assert buckets[-1][1] == value(after, count, route=PREDICT, status="200")
    assert value(after, "driftscope_http_request_duration_seconds_sum", route=PREDICT) > 0


async def test_rate_limiter_outcomes_are_exported(api: Api) -> None:
    limiter = getattr(api.app.state.runtime, "rate_limiter", None)
    if limiter is None:
        pytest.skip("rate limiting is switched off in these settings")
    before = value(await scrape(api), "driftscope_rate_limited_requests_total", outcome="allowed")
    assert (await api.predict(transaction())).status_code == 200
    after = await scrape(api)
    assert value(after, "driftscope_rate_limited_requests_total", outcome="allowed") == before + 1
    assert value(after, "driftscope_rate_limited_requests_total", outcome="limited") == 0


async def test_drift_performance_and_alert_gauges_come_from_the_latest_rows(api: Api) -> None:
    await store_monitoring_rows(api)
    samples = await scrape(api)
    v1 = {"model": "fraud", "version": "1"}

    assert value(samples, "driftscope_feature_psi", **v1, feature="amount") == 0.42
    assert value(samples, "driftscope_feature_psi", **v1, feature="channel") == 0.03
    assert value(samples, "driftscope_feature_psi", **v1, feature="prediction") == 0.07
    assert value(samples, "driftscope_feature_drifted", feature="amount") == 1
    assert value(samples, "driftscope_dataset_drift_share", **v1) == 0.5
    assert value(samples, "driftscope_drift_window_rows", **v1) == 500
    assert value(samples, "driftscope_performance_roc_auc", **v1) == 0.91
    assert value(samples, "driftscope_performance_f1", **v1, source="realised") == 0.55
    assert value(samples, "driftscope_performance_f1", **v1, source="estimated") == 0.5
    assert value(samples, "driftscope_performance_recall", **v1, source="realised") == 0.5
    assert not [
        s for s in samples["driftscope_performance_recall"] if s[0]["source"] == "estimated"
    ]
    assert value(samples, "driftscope_performance_label_coverage_ratio", **v1) == 0.4
    assert value(samples, "driftscope_open_alerts", model="fraud", severity="critical") == 2
    assert value(samples, "driftscope_open_alerts", model="fraud", severity="warning") == 0
    assert value(samples, "driftscope_metrics_refresh_failures_total") == 0


async def test_monitoring_gauges_are_cached_between_scrapes(api: Api) -> None:
    api.app.state.runtime.settings.metrics_refresh_s = 3600.0
    empty = await scrape(api)
    assert "driftscope_feature_psi" not in empty
    await store_monitoring_rows(api)
    assert "driftscope_feature_psi" not in await scrape(api)  # within the refresh interval

    api.app.state.metrics_exporter.monitoring.refreshed_at = None  # the interval has passed
    assert value(await scrape(api), "driftscope_dataset_drift_share") == 0.5


async def test_metrics_token_is_required_when_configured(api: Api) -> None:
    api.app.state.runtime.settings.metrics_bearer_token = "s3cret"
    missing = await api.client.get("/metrics")
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthorized"
    assert (
        await api.client.get("/metrics", headers={"authorization": "Bearer nope"})
    ).status_code == 401
    assert "driftscope_predictions_total" in await scrape(api, authorization="Bearer s3cret")


async def test_openmetrics_is_served_when_asked_for(api: Api) -> None:
    assert (await api.predict(transaction())).status_code == 200
    accept = "application/openmetrics-text; version=1.0.0"
    response = await api.client.get("/metrics", headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")
    assert "driftscope_predictions_total{" in response.text
