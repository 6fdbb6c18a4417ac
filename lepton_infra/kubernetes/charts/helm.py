"""One way to install a pinned chart: a Helm v3 `Release`, so chart, version and values are inputs the
plan records (and policies and tests read)."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.kubernetes.charts.pinned import HelmChart

# What a Release waits for each Kubernetes operation when it names no timeout (pulumi-kubernetes' default).
HELM_DEFAULT_TIMEOUT_SECONDS = 300


def pinned_release(
    resource_name: str,
    chart: HelmChart,
    namespace: pulumi.Input[str],
    values: dict[str, Any],
    opts: pulumi.ResourceOptions,
    timeout_seconds: int = 600,
    upgrades_crds_in_hook: bool = False,
) -> k8s.helm.v3.Release:
    """`upgrades_crds_in_hook`: the chart applies its newer CRDs in a pre-upgrade hook, and renders custom
    resources valid only against them. Helm validates the rendered objects against the cluster's current
    OpenAPI schema before any hook runs, so an upgrade would fail on the old CRDs; the API server still
    validates every object it is sent (the chart's documented `--disable-openapi-validation`)."""
    return k8s.helm.v3.Release(
        resource_name,
        name=chart.release,
        chart=chart.reference,
        version=chart.version,
        repository_opts=None
        if chart.reference != chart.chart
        else k8s.helm.v3.RepositoryOptsArgs(repo=chart.repo),
        namespace=namespace,
        # Namespaces are ours (with their Pod Security labels), never created by Helm.
        create_namespace=False,
        # A failed install or upgrade rolls back instead of leaving a half-applied release.
        atomic=True,
        cleanup_on_fail=True,
        max_history=5,
        timeout=timeout_seconds,
        disable_openapi_validation=True if upgrades_crds_in_hook else None,
        values=values,
        opts=opts,
    )
