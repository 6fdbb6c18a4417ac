"""`Keda`: the KEDA operator, installed only when some service scales to zero."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from lepton_infra.core.component import Component
from lepton_infra.core.conventions import KEDA_NAMESPACE
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts import KEDA, HelmChart
from lepton_infra.kubernetes.helm import pinned_release
from lepton_infra.kubernetes.meta import common_labels, namespace, psa_labels


@dataclass
class KedaArgs:
    kubernetes_version: str
    depends_on: Sequence[pulumi.Resource] = ()
    chart: HelmChart = field(default_factory=lambda: KEDA)


class Keda(Component):
    TOKEN = "lepton:k8s:Keda"

    def __init__(self, name: str, args: KedaArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        # KEDA's pods need nothing privileged: enforce baseline, and warn on anything not restricted.
        self.namespace = namespace(
            child_name(name, "namespace"), KEDA_NAMESPACE,
            {**common_labels("keda", "autoscaling"),
             **psa_labels("baseline", args.kubernetes_version, warn="restricted")},
            self.child_opts(),
        )
        # The chart owns the ScaledObject CRD; the services' ScaledObjects wait for this release.
        self.release = pinned_release(
            child_name(name, "operator"), args.chart, self.namespace.metadata.name, {"crds": {"install": True}},
            self.child_opts(depends_on=list(args.depends_on)),
        )
        self.finish({"namespace": self.namespace.metadata.name, "release": self.release.name})
