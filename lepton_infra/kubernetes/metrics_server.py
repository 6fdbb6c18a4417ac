"""`MetricsServer`: the resource metrics API that CPU-based HPAs read, where the cloud does not run one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts import METRICS_SERVER, HelmChart
from lepton_infra.kubernetes.helm import pinned_release


@dataclass
class MetricsServerArgs:
    depends_on: Sequence[pulumi.Resource] = ()
    chart: HelmChart = field(default_factory=lambda: METRICS_SERVER)


class MetricsServer(Component):
    TOKEN = "lepton:k8s:MetricsServer"

    def __init__(self, name: str, args: MetricsServerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        self.release = pinned_release(
            child_name(name, "release"), args.chart, "kube-system",
            # Two replicas behind a PDB: HPAs stop scaling while the metrics API is down.
            {"replicas": 2, "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1}},
            self.child_opts(depends_on=list(args.depends_on)),
        )
        self.finish({"release": self.release.name})
