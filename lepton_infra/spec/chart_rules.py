"""Which pinned charts a spec makes the in-cluster layer install, and the refusal of a `cluster.version`
outside what they all support (the table is SDK-free data in core/chart_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import rule

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


def charts_installed(spec: PlatformSpec) -> list[str]:
    """The pinned charts the in-cluster layer may install for `spec` (metrics-server and the GPU operator
    are counted even where the cloud's own pieces make them unnecessary: the check stays conservative)."""
    from lepton_infra.core.scaling import autoscaler_for

    charts = ["kube-prometheus-stack", "metrics-server"]
    if spec.cloud == "aws":
        charts.append("cluster-autoscaler")  # self-managed on EKS; GKE's is built in
        if spec.network.domain:
            charts.append("aws-load-balancer-controller")  # ALBs from Ingresses (aws/lb_controller.py)
        if spec.filesystem.enabled:
            charts.append("aws-fsx-csi-driver")  # tenants' Lustre volumes (aws/filesystem.py)
        if any(p.fabric == "auto" for p in spec.node_pools):
            charts.append("aws-efa-k8s-device-plugin")  # EFA devices (aws/efa_plugin.py)
    if spec.gpu_pools:
        charts.append("gpu-operator")
    autoscalers = {autoscaler_for(s.replicas.min, s.scaling.metric) for s in spec.services}
    if autoscalers & {"keda", "keda-http"}:
        charts.append("keda")
    if "keda-http" in autoscalers:
        charts.append("keda-add-ons-http")
    if spec.jobs.enabled:
        charts.append("kueue")
        if any(p.topology_aware for p in spec.gpu_pools):
            charts.append("jobset")  # the multi-node job API (kubernetes/jobs/jobset.py)
    from lepton_infra.core.exposure import exposed_services

    if exposed_services(spec) and spec.cloud != "aws":
        # An ALB serves ACM certificates only, so EKS gets no cert-manager (aws/traffic.py); GKE's Gateways
        # and AKS's NGINX serve the Secrets cert-manager writes.
        charts.append("cert-manager")
    return charts


@rule("cloud", "cluster", "node_pools", "services", "jobs", "network", "filesystem")
def _chart_support(spec: PlatformSpec) -> Iterator[Problem]:
    from lepton_infra.core.chart_support import kubernetes_unsupported, supported_range

    charts = charts_installed(spec)
    reasons = kubernetes_unsupported(charts, spec.cluster.version)
    if reasons:
        low, high = supported_range(charts)
        window = f"{low}–{high}" if high else f"{low} or later"
        if high is not None and tuple(map(int, low.split("."))) > tuple(map(int, high.split("."))):
            window = "none: no Kubernetes minor suits them all"
        yield Problem(
            "cluster.version",
            spec.cluster.version,
            f"not supported by the pinned charts this platform installs ({'; '.join(reasons)})",
            f"use a version in the supported range ({window})",
        )


CHART_RULES = (_chart_support,)
