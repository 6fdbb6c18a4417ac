"""One kubeconfig shape for every cloud: the cluster's server and CA, and a user that runs the cloud's
exec credential plugin for short-lived tokens (never a static token or client certificate, which would
sit in the state). Which plugin, with which arguments, is each cloud's data (`ExecCredential`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


@dataclass(frozen=True)
class ExecCredential:
    command: str  # the plugin on the caller's PATH (aws, gke-gcloud-auth-plugin, kubelogin)
    args: Sequence[str] = ()
    install_hint: str | None = None  # what kubectl prints when the plugin is missing
    # Hand the plugin the cluster's server and CA (KUBERNETES_EXEC_INFO): GKE's plugin reads them.
    provide_cluster_info: bool = False


def exec_kubeconfig(cluster_name: str, server: str, ca_data: str, credential: ExecCredential) -> str:
    """A kubeconfig (JSON, which is YAML) for `server`. Without `ca_data` (e.g. GKE's DNS endpoint,
    publicly trusted) the system's roots verify the server. `interactiveMode: Never`: a plugin that
    would prompt fails instead, so CI never hangs."""
    cluster: dict[str, str] = {"server": server}
    if ca_data:
        cluster["certificate-authority-data"] = ca_data
    user: dict[str, Any] = {"apiVersion": EXEC_API_VERSION, "command": credential.command}
    if credential.args:
        user["args"] = list(credential.args)
    if credential.install_hint:
        user["installHint"] = credential.install_hint
    user["provideClusterInfo"] = credential.provide_cluster_info
    user["interactiveMode"] = "Never"
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_name, "cluster": cluster}],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
        "current-context": cluster_name,
        "users": [{"name": cluster_name, "user": {"exec": user}}],
    }
    return json.dumps(config, indent=2)
