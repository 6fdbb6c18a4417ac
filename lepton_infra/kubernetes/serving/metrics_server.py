"""`MetricsServer`: the resource metrics API that CPU-based HPAs read, where the cloud does not run one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pulumi

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.checks import kubernetes_version_problems
from lepton_infra.kubernetes.charts.hardening import METRICS_SERVER_HARDENING
from lepton_infra.kubernetes.charts.helm import pinned_release
from lepton_infra.kubernetes.charts.pinned import METRICS_SERVER, HelmChart
from lepton_infra.kubernetes.priority import critical_pods_quota

NAMESPACE = "kube-system"
HA_REPLICAS = 2  # behind a PDB of one unavailable: a drain or a restart keeps the metrics API up


@dataclass
class MetricsServerArgs(ComponentArgs):
    depends_on: Sequence[pulumi.Resource] = ()
    """What metrics-server's pods need first (node pools), passed to the release: a component's
    `depends_on` does not reach the children it creates. Default: none."""
    chart: HelmChart = field(default_factory=lambda: METRICS_SERVER)
    """The metrics-server chart to install. Default: the pinned one (kubernetes/charts/pinned.py)."""
    critical_priority_needs_quota: bool = False
    """The chart runs metrics-server at system-cluster-critical (its default): set it where the cluster
    admits that class only under a ResourceQuota (GKE), and one is created in kube-system beside any the
    cloud keeps there. Default: off."""
    replicas: int = HA_REPLICAS
    """metrics-server pods (`cluster.system_replicas`, at most 2). Default 2: HPAs stop scaling while the
    metrics API is down, so one pod may restart or move while the other answers. 1 (dev) saves 100m CPU and
    200Mi (the chart's requests) on the system pool; a node drain or a restart then pauses CPU-based
    scaling for the pod's start (about a minute)."""
    kubernetes_version: str | None = None
    """The cluster's minor (`1.33`), a minor the chart must support. Default: not given, not checked (the
    spec checks it for a whole platform, spec/chart_rules.py)."""

    def problems(self) -> Iterator[Problem]:
        if self.replicas < 1:
            yield Problem("replicas", self.replicas, "metrics-server needs a pod", "set 1 or more")
        if self.kubernetes_version is not None:
            yield from kubernetes_version_problems(self.kubernetes_version, {"chart": self.chart})


class MetricsServer(Component):
    TOKEN = "lepton:k8s:MetricsServer"

    def __init__(
        self, name: str, args: MetricsServerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        quota = (
            [critical_pods_quota(child_name(name, "critical-pods-quota"), NAMESPACE, self.child_opts())]
            if args.critical_priority_needs_quota
            else []
        )
        self.release = pinned_release(
            child_name(name, "release"),
            args.chart,
            NAMESPACE,
            # Replicas behind a PDB: HPAs stop scaling while the metrics API is down.
            {
                "replicas": args.replicas,
                "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1},
                **METRICS_SERVER_HARDENING,
            },
            self.child_opts(depends_on=[*args.depends_on, *quota]),
        )
        self.finish({"release": self.release.name})
