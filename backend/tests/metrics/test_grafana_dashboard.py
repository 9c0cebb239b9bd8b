"""The Grafana dashboard and Prometheus rules query only metrics that /metrics exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from backend.tests.conftest import Api, transaction
from backend.tests.metrics.scraping import scrape, store_monitoring_rows

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "driftscope.json"
RULES = DEPLOY / "prometheus" / "alerts.yml"
SCRAPE_CONFIG = DEPLOY / "prometheus" / "prometheus.yml"
# Series Prometheus itself attaches to every target, not the backend's /metrics.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
    "bool", "offset", "inf", "nan",
}  # fmt: skip
IDENTIFIER = re.compile(r"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*")  # not the "m" of "5m"


def metric_names(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers that are not functions, keywords,
    label names (inside {…} or by/without (…)), durations or Grafana variables."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # label values
    expr = re.sub(r"label_values\(\s*([^,()]+),[^)]*\)", r"\1", expr)  # Grafana: (metric, label)
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # range selectors
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\$\{?\w+\}?", "", expr)  # $model, $__rate_interval
    names = set()
    for match in IDENTIFIER.finditer(expr):
        word, rest = match.group(), expr[match.end() :].lstrip()
        if rest.startswith("(") or word.lower() in PROMQL_WORDS:
            continue  # a function call or a keyword
        names.add(word)
    return names


def dashboard_expressions(node: Any) -> list[str]:
    """Every PromQL string in the dashboard: panel targets and variable queries."""
    found = []
    if isinstance(node, dict):
        for key, item in node.items():
            if (key in ("expr", "definition") and isinstance(item, str)) or (
                key == "query" and isinstance(item, str)
            ):
                found.append(item)
            else:
                found.extend(dashboard_expressions(item))
    elif isinstance(node, list):
        for item in node:
            found.extend(dashboard_expressions(item))
    return found


def test_metric_names_are_extracted_from_promql() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (le, route) (rate(http_seconds_bucket{route="/a b",'
        'status=~"5.."}[$__rate_interval]))) / on (job) group_left max(up{job="x"} offset 5m)'
    )
    assert metric_names(expr) == {"http_seconds_bucket", "up"}
    assert metric_names("label_values(driftscope_predictions_total, model)") == {
        "driftscope_predictions_total"
    }
    assert metric_names("rate(a_total[5m]) * 1e3 > 0.5") == {"a_total"}


async def test_every_dashboard_metric_is_exported_after_traffic(api: Api) -> None:
    for _ in range(3):
        assert (await api.predict(transaction())).status_code == 200
    assert (await api.client.get("/api/v1/no/such")).status_code == 404  # an error status
    await api.flush()
    await store_monitoring_rows(api)
    samples = await scrape(api)

    dashboard = json.loads(DASHBOARD.read_text())
    expressions = dashboard_expressions(dashboard)
    used = set().union(*map(metric_names, expressions)) - PROMETHEUS_SERIES
    rules = yaml.safe_load(RULES.read_text())
    rule_exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    used |= set().union(*map(metric_names, rule_exprs)) - PROMETHEUS_SERIES

    assert len(expressions) >= 20 and len(used) >= 15, used
    # Sample names carry the _bucket/_sum/_count and _total suffixes PromQL queries by.
    missing = sorted(name for name in used if name not in samples)
    assert not missing, f"queried but not exported by /metrics: {missing}"


def test_dashboard_covers_the_monitoring_views() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    text = " ".join(e for p in panels for t in p["targets"] for e in [t["expr"]])
    for needed in (
        "driftscope_predictions_total",
        "histogram_quantile(0.5,",
        "histogram_quantile(0.99,",
        'status=~"4..|5.."',
        "driftscope_feature_psi",
        "driftscope_dataset_drift_share",
        "driftscope_performance_f1",
        "driftscope_performance_roc_auc",
        "driftscope_open_alerts",
    ):
        assert needed in text, needed
    assert all(p["datasource"]["uid"] == "prometheus" for p in panels)
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    datasources = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )
    assert datasources["datasources"][0]["uid"] == "prometheus"
    scrape_config = yaml.safe_load(SCRAPE_CONFIG.read_text())
    jobs = {job["job_name"]: job for job in scrape_config["scrape_configs"]}
    backend = jobs["driftscope-backend"]  # the job name the dashboard's up{job=…} counts
    assert 'up{job="driftscope-backend"}' in text
    assert backend["metrics_path"] == "/metrics"
    assert backend["dns_sd_configs"][0]["names"] == ["backend"]
