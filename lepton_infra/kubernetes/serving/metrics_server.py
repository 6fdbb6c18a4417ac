"""`MetricsServer`: the resource metrics API that CPU-based HPAs read, where the cloud does not run one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.hardening import METRICS_SERVER_HARDENING
from lepton_infra.kubernetes.charts.helm import pinned_release
from lepton_infra.kubernetes.charts.pinned import METRICS_SERVER, HelmChart
from lepton_infra.kubernetes.priority import critical_pods_quota

NAMESPACE = "kube-system"


@dataclass
class MetricsServerArgs:
    depends_on: Sequence[pulumi.Resource] = ()
    chart: HelmChart = field(default_factory=lambda: METRICS_SERVER)
    # The chart runs metrics-server at system-cluster-critical (its default): where the cluster admits
    # that class only under a quota, create one (alongside any the cloud keeps in kube-system).
    critical_priority_needs_quota: bool = False


class MetricsServer(Component):
    TOKEN = "lepton:k8s:MetricsServer"

    def __init__(
        self, name: str, args: MetricsServerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, opts)
        quota = (
            [critical_pods_quota(child_name(name, "critical-pods-quota"), NAMESPACE, self.child_opts())]
            if args.critical_priority_needs_quota
            else []
        )
        self.release = pinned_release(
            child_name(name, "release"),
            args.chart,
            NAMESPACE,
            # Two replicas behind a PDB: HPAs stop scaling while the metrics API is down.
            {
                "replicas": 2,
                "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1},
                **METRICS_SERVER_HARDENING,
            },
            self.child_opts(depends_on=[*args.depends_on, *quota]),
        )
        self.finish({"release": self.release.name})
