"""Every cloud's kubeconfig comes from core/kubeconfig.py: one shape, an exec plugin, no static secret."""

from __future__ import annotations

import base64
import json

import pytest

from lepton_infra.aws.cluster import kubeconfig as eks_kubeconfig
from lepton_infra.azure.planning import aks_kubeconfig
from lepton_infra.gcp.cluster import gke_kubeconfig

AKS_CREDENTIAL = base64.b64encode(
    json.dumps(
        {
            "clusters": [
                {
                    "name": "x",
                    "cluster": {
                        "server": "https://c.hcp.eastus.azmk8s.io:443",
                        "certificate-authority-data": "Q0E=",
                    },
                }
            ],
            "users": [{"name": "u", "user": {"token": "static-secret"}}],
        }
    ).encode()
).decode()
CONFIGS = {
    "aws": lambda: eks_kubeconfig("c1", "https://x.eks.amazonaws.com", "Q0E=", "eu-west-1"),
    "gcp": lambda: gke_kubeconfig("c1", "10.0.0.2", "Q0E="),
    "azure": lambda: aks_kubeconfig("c1", AKS_CREDENTIAL),
}


@pytest.mark.parametrize("cloud", CONFIGS)
def test_one_kubeconfig_shape_on_every_cloud(cloud: str) -> None:
    config = json.loads(CONFIGS[cloud]())
    assert list(config) == ["apiVersion", "kind", "clusters", "contexts", "current-context", "users"]
    assert config["current-context"] == "c1"
    assert config["clusters"][0]["cluster"]["certificate-authority-data"] == "Q0E="
    (user,) = config["users"]
    assert set(user["user"]) == {"exec"}  # no token, no client certificate
    plugin = user["user"]["exec"]
    assert plugin["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    assert plugin["interactiveMode"] == "Never" and plugin["installHint"]
    assert "static-secret" not in json.dumps(config)


def test_no_ca_means_the_system_roots() -> None:
    config = json.loads(gke_kubeconfig("c1", "gke-1.example.goog", ""))
    assert config["clusters"][0]["cluster"] == {"server": "https://gke-1.example.goog"}
