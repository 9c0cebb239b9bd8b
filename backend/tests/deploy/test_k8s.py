"""deploy/k8s: the manifests parse, reference each other consistently, probe real routes and
run real CLI commands as non-root."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml
from backend.tests.deploy.checks import (
    REPO,
    check_healthcheck_command,
    check_settings_env,
    cli_problems,
)

from driftscope.settings import Settings
from driftscope_backend.app import create_app

K8S = REPO / "deploy" / "k8s"
Manifest = dict[str, Any]


@pytest.fixture(scope="module")
def manifests() -> list[Manifest]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(kustomization["resources"]) == files  # nothing left out of `apply -k`
    return [doc for name in files for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]


def by_kind(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def pod_specs(manifests: list[Manifest]) -> dict[str, dict[str, Any]]:
    """Workload name → pod spec, for every kind that runs pods."""
    kinds = ("Deployment", "StatefulSet", "Job")
    return {m["metadata"]["name"]: m["spec"]["template"]["spec"] for m in manifests if m["kind"] in kinds}  # fmt: skip


def containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*spec.get("initContainers", []), *spec["containers"]]


def test_the_expected_objects_exist(manifests: list[Manifest]) -> None:
    kinds = Counter(m["kind"] for m in manifests)
    assert kinds["Deployment"] == 2 and kinds["Job"] == 2 and kinds["StatefulSet"] == 1
    for kind in ("Service", "HorizontalPodAutoscaler", "ConfigMap", "Secret"):
        assert kinds[kind] >= 1, kind
    assert {"driftscope-backend", "driftscope-worker"} == set(by_kind(manifests, "Deployment"))
    assert {"driftscope-init", "driftscope-simulator"} == set(by_kind(manifests, "Job"))


def test_backend_probes_use_routes_the_app_serves(manifests: list[Manifest]) -> None:
    routes = set(create_app(Settings()).openapi()["paths"])  # /health, /ready, /metrics among them
    backend = by_kind(manifests, "Deployment")["driftscope-backend"]
    container = backend["spec"]["template"]["spec"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    probes = {kind: container[kind] for kind in ("readinessProbe", "livenessProbe", "startupProbe")}
    assert probes["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert probes["livenessProbe"]["httpGet"]["path"] == "/health"
    for probe in probes.values():
        assert probe["httpGet"]["path"] in routes
        assert probe["httpGet"]["port"] in ports
    assert ports["http"] == 8000 and "--port" in container["command"]
    assert container["command"][container["command"].index("--port") + 1] == "8000"
    annotations = backend["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] in routes  # /metrics


def test_service_and_autoscaler_target_the_backend(manifests: list[Manifest]) -> None:
    backend = by_kind(manifests, "Deployment")["driftscope-backend"]
    labels = backend["spec"]["template"]["metadata"]["labels"]
    service = by_kind(manifests, "Service")["driftscope-backend"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert backend["spec"]["selector"]["matchLabels"].items() <= labels.items()
    hpa = by_kind(manifests, "HorizontalPodAutoscaler")["driftscope-backend"]
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "driftscope-backend")
    assert hpa["spec"]["minReplicas"] >= 2
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    requests = backend["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]
    assert "cpu" in requests  # CPU utilisation is relative to the request


def test_worker_runs_one_active_and_one_standby(manifests: list[Manifest]) -> None:
    worker = by_kind(manifests, "Deployment")["driftscope-worker"]
    assert worker["spec"]["replicas"] == 2  # the advisory lock keeps one of them active
    (container,) = worker["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["driftscope", "worker"]
    check_healthcheck_command(container["livenessProbe"]["exec"]["command"])
    config = by_kind(manifests, "Secret")["driftscope-secrets"]["stringData"]
    assert config["DATABASE_URL"].startswith("postgresql+asyncpg://")  # the lock needs PostgreSQL


def test_references_resolve_and_pods_run_as_non_root(manifests: list[Manifest]) -> None:
    config_maps, secrets = by_kind(manifests, "ConfigMap"), by_kind(manifests, "Secret")
    claims = set(by_kind(manifests, "PersistentVolumeClaim"))
    for name, spec in pod_specs(manifests).items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] != 0, name
        for volume in spec.get("volumes", []):
            if "persistentVolumeClaim" in volume:
                assert volume["persistentVolumeClaim"]["claimName"] in claims, name
        for container in containers(spec):
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in config_maps, name
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in secrets, name
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in secrets[ref["name"]]["stringData"], name
    keys = [k for m in [*config_maps.values(), *secrets.values()] for k in m.get("data", m.get("stringData", {}))]  # fmt: skip
    check_settings_env(keys)


def test_container_commands_are_real_cli_commands(manifests: list[Manifest]) -> None:
    commands = [
        container["command"]
        for spec in pod_specs(manifests).values()
        for container in containers(spec)
        if container.get("command", [""])[0] == "driftscope"
    ]
    assert len(commands) == 5  # migrate, train, serve, worker, simulate
    assert cli_problems(commands) == []
