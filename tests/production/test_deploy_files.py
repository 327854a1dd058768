"""Static checks of docker/: the compose file, the Kubernetes manifests, nginx and the
Dockerfiles. The images cannot be built here (no Docker engine); these tests check what
can be checked without one, and run the client-only validators when they are installed
(`docker-compose config`, `docker compose config`, `kubectl kustomize`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import PROJECT_ROOT

DOCKER = PROJECT_ROOT / "docker"
K8S = DOCKER / "k8s"
COMPOSE_ENV = {"POSTGRES_PASSWORD": "x", "SECRET_KEY": "y", "PATH": "/usr/bin:/bin:/usr/local/bin"}


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DOCKER / "compose.yml").read_text())


def _k8s_documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            docs.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
    return docs


def _compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


def test_compose_file_passes_the_compose_validator() -> None:
    command = _compose_command()
    if command is None:
        pytest.skip("neither docker-compose nor the docker compose plugin is installed")
    done = subprocess.run(
        [*command, "-f", str(DOCKER / "compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        env=COMPOSE_ENV,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_compose_runs_the_whole_stack_with_health_checks() -> None:
    services = _compose()["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "nginx"} <= set(services)
    redis_cmd = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis_cmd
    for name in ("postgres", "redis", "web", "nginx"):
        assert "healthcheck" in services[name], name
    assert "/ready" in " ".join(services["web"]["healthcheck"]["test"])
    devices = services["worker"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    # Web and workers share uploads; the workers never need the public network.
    assert any(v.startswith("media:") for v in services["worker"]["volumes"])
    assert "ports" not in services["web"] and "ports" not in services["worker"]


def test_nginx_terminates_tls_upgrades_websockets_and_limits_uploads() -> None:
    conf = (DOCKER / "nginx" / "nginx.conf").read_text()
    assert re.search(r"listen 443 ssl", conf) and "ssl_certificate " in conf
    assert "proxy_set_header Upgrade $http_upgrade" in conf
    size = re.search(r"client_max_body_size (\d+)m", conf)
    assert size and int(size.group(1)) * 1024 * 1024 >= 200 * 1024 * 1024
    assert "location /static/" in conf and "location = /metrics { return 404; }" in conf
    if shutil.which("nginx") is None:
        return  # `nginx -t` needs the web upstream to resolve: run it in the compose network


def test_every_nginx_location_that_sets_headers_still_passes_host_and_scheme() -> None:
    # A location's proxy_set_header replaces the inherited list: without Host and
    # X-Forwarded-Proto there, the WebSocket origin check (and ALLOWED_HOSTS) sees "web".
    conf = (DOCKER / "nginx" / "nginx.conf").read_text()
    for body in re.findall(r"location [^{]*\{((?:[^{}]|\{[^{}]*\})*)\}", conf):
        if "proxy_set_header" in body:
            assert "proxy_set_header Host $host;" in body, body
            assert "proxy_set_header X-Forwarded-Proto https;" in body, body


@pytest.mark.parametrize("name", ["web.Dockerfile", "worker.Dockerfile"])
def test_dockerfiles_run_as_non_root_with_a_health_check(name: str) -> None:
    text = (DOCKER / name).read_text()
    assert re.search(r"^USER app$", text, re.MULTILINE)
    assert "HEALTHCHECK" in text and 'torch==2.13.0"' in text
    for path in re.findall(r"^COPY (\S+) ", text, re.MULTILINE):
        assert (PROJECT_ROOT / path).exists(), f"{name} copies {path}, which does not exist"


# A small subset of the Kubernetes schemas (what kubeconform would check for these kinds):
# required fields and types where a typo would otherwise pass unnoticed.
PROBE = {
    "type": "object",
    "properties": {
        "httpGet": {
            "type": "object",
            "required": ["path", "port"],
            "properties": {"path": {"type": "string", "pattern": "^/"}},
        },
        "exec": {"type": "object", "required": ["command"]},
        "periodSeconds": {"type": "integer"},
        "timeoutSeconds": {"type": "integer"},
        "failureThreshold": {"type": "integer"},
    },
    "additionalProperties": False,
}
CONTAINER = {
    "type": "object",
    "required": ["name", "image", "resources"],
    "properties": {
        "resources": {
            "type": "object",
            "required": ["requests", "limits"],
            "properties": {
                "requests": {"type": "object", "required": ["cpu", "memory"]},
                "limits": {"type": "object", "required": ["memory"]},
            },
        },
        "livenessProbe": PROBE,
        "readinessProbe": PROBE,
        "startupProbe": PROBE,
        "ports": {"type": "array", "items": {"type": "object", "required": ["containerPort"]}},
    },
}
SCHEMAS: dict[str, dict[str, Any]] = {
    "Deployment": {
        "type": "object",
        "required": ["spec"],
        "properties": {
            "spec": {
                "type": "object",
                "required": ["selector", "template"],
                "properties": {
                    "replicas": {"type": "integer", "minimum": 1},
                    "template": {
                        "type": "object",
                        "required": ["metadata", "spec"],
                        "properties": {
                            "spec": {
                                "type": "object",
                                "required": ["containers"],
                                "properties": {"containers": {"type": "array", "items": CONTAINER}},
                            }
                        },
                    },
                },
            }
        },
    },
    "HorizontalPodAutoscaler": {
        "type": "object",
        "properties": {
            "apiVersion": {"const": "autoscaling/v2"},
            "spec": {
                "type": "object",
                "required": ["scaleTargetRef", "minReplicas", "maxReplicas", "metrics"],
            },
        },
    },
    "Service": {
        "type": "object",
        "properties": {"spec": {"type": "object", "required": ["selector", "ports"]}},
    },
}


def test_manifests_parse_and_have_the_basic_shape() -> None:
    documents = _k8s_documents()
    assert documents
    for doc in documents:
        assert {"apiVersion", "kind", "metadata"} <= set(doc), doc
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", doc["metadata"]["name"])
        schema = SCHEMAS.get(doc["kind"])
        if schema:
            jsonschema.validate(doc, schema)


def _by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in _k8s_documents() if d["kind"] == kind}


def test_gpu_workers_request_a_gpu_and_web_pods_do_not() -> None:
    deployments = _by_kind("Deployment")
    worker = deployments["aidetect-gpu-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["resources"]["requests"]["nvidia.com/gpu"] == 1
    assert worker["resources"]["limits"]["nvidia.com/gpu"] == 1
    web = deployments["aidetect-web"]["spec"]["template"]["spec"]["containers"][0]
    assert "nvidia.com/gpu" not in web["resources"]["limits"]
    assert web["livenessProbe"]["httpGet"]["path"] == "/health"
    assert web["readinessProbe"]["httpGet"]["path"].startswith("/ready")


def test_autoscalers_and_services_point_at_real_deployments() -> None:
    deployments = _by_kind("Deployment")
    autoscalers = _by_kind("HorizontalPodAutoscaler").values()
    for hpa in autoscalers:
        assert hpa["spec"]["scaleTargetRef"]["name"] in deployments
    kinds = {m["type"] for hpa in autoscalers for m in hpa["spec"]["metrics"]}
    assert {"Resource", "External"} <= kinds  # CPU for the web, queue depth for the GPUs
    labels = [d["spec"]["template"]["metadata"]["labels"] for d in deployments.values()]
    for service in _by_kind("Service").values():
        selector = service["spec"]["selector"]
        assert any(selector.items() <= pod.items() for pod in labels), service["metadata"]["name"]
    for deployment in deployments.values():
        match = deployment["spec"]["selector"]["matchLabels"]
        assert match.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()


def test_kustomize_builds_the_manifests() -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    done = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert len(list(yaml.safe_load_all(done.stdout))) == len(_k8s_documents())


def test_every_setting_the_deployment_uses_is_documented() -> None:
    readme = (DOCKER / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", readme, re.MULTILINE))
    used = set(_compose()["x-app-env"]) | set(_by_kind("ConfigMap")["aidetect-config"]["data"])
    settings_py = (PROJECT_ROOT / "config" / "settings.py").read_text()
    used |= set(re.findall(r'env_\w+\("([A-Z][A-Z0-9_]+)"', settings_py))
    assert used - documented == set()
