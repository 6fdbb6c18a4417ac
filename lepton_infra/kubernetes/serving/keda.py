"""`Keda`: the KEDA operator, installed only when some service scales to zero, and its HTTP add-on, only
when some service scales to zero on request rate."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.conventions import KEDA_NAMESPACE
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.checks import kubernetes_version_problems
from lepton_infra.kubernetes.charts.hardening import KEDA_HTTP_ADD_ON_HARDENING, merged
from lepton_infra.kubernetes.charts.helm import pinned_release
from lepton_infra.kubernetes.charts.pinned import (
    INTERCEPTOR_ADMIN_PORT,
    INTERCEPTOR_PROXY_PORT,
    INTERCEPTOR_PROXY_SERVICE_SUFFIX,
    KEDA,
    KEDA_HTTP_ADD_ON,
    HelmChart,
)
from lepton_infra.kubernetes.charts.priority_values import KEDA_HTTP_ADD_ON_PRIORITY, KEDA_PRIORITY
from lepton_infra.kubernetes.meta import common_labels, namespace, psa_labels

# How long the interceptor holds a request while the service scales up from zero (the Deployment's own
# rollout timeout is 20 minutes), and how long it waits for a model's response headers.
COLD_START_WAIT_SECONDS = 1200
RESPONSE_HEADER_TIMEOUT_SECONDS = 120
COLD_START_WAIT = f"{COLD_START_WAIT_SECONDS // 60}m"
RESPONSE_HEADER_TIMEOUT = f"{RESPONSE_HEADER_TIMEOUT_SECONDS}s"
# keda-add-ons-http 0.15.0 values.yaml: `scaler.replicas: 3`, `interceptor.replicas.min: 3`.
HTTP_ADD_ON_CHART_REPLICAS = 3
# keda-add-ons-http 0.15.0 values.yaml (kedacore/charts 1444d00, read 2026-12-07): operator, scaler and
# interceptor each request 250m CPU and 20Mi, limited to 500m and 64Mi. Trimmed (dev): 100m, the same memory
# (a values map given replaces neither the chart's limits nor, once written whole, its memory request).
HTTP_ADD_ON_TRIMMED_REQUESTS = {"resources": {"requests": {"cpu": "100m", "memory": "20Mi"}}}


@dataclass
class KedaArgs(ComponentArgs):
    kubernetes_version: str
    """The cluster's minor (`1.33`): the namespace's Pod Security Admission version, and a minor the
    charts installed must support."""
    depends_on: Sequence[pulumi.Resource] = ()
    """What KEDA's pods need first (node pools, the `lepton-platform` PriorityClass), passed to the
    releases: a component's `depends_on` does not reach the children it creates. Default: none."""
    chart: HelmChart = field(default_factory=lambda: KEDA)
    """The KEDA chart to install (owner of the ScaledObject CRD). Default: the pinned one
    (kubernetes/charts/pinned.py)."""
    http_add_on: bool = False
    """Install the HTTP add-on too (interceptor, scaler, operator; owner of the HTTPScaledObject CRD), which
    services scaling to zero on request rate need. Default: off."""
    http_add_on_replicas: int = HTTP_ADD_ON_CHART_REPLICAS
    """Replicas of the HTTP add-on's scaler and (minimum) interceptor, 250m CPU and 20Mi each. Default: the
    chart's 3 (left to the chart, not written); 1 frees 1 vCPU of requests on a small system pool."""
    http_add_on_trimmed_requests: bool = False
    """The HTTP add-on's operator, scaler and interceptor request 100m CPU each instead of the chart's
    250m (memory and limits as the chart's). Default: off."""
    http_add_on_chart: HelmChart = field(default_factory=lambda: KEDA_HTTP_ADD_ON)
    """The HTTP add-on's chart, when `http_add_on`. Default: the pinned one, which the KEDA pin pairs with."""
    namespace_labels: Mapping[str, str] = field(default_factory=dict)
    """Extra labels on the `keda` namespace: `IngressFacts.target_namespace_labels` when load balancers
    target the interceptor's pods (AWS readiness gates). Default: none."""

    def problems(self) -> Iterator[Problem]:
        charts = {
            "chart": self.chart,
            **({"http_add_on_chart": self.http_add_on_chart} if self.http_add_on else {}),
        }
        yield from kubernetes_version_problems(self.kubernetes_version, charts)
        if self.http_add_on_replicas < 1:
            yield Problem(
                "http_add_on_replicas", self.http_add_on_replicas, "no scaler would run", "use 1 or more"
            )


class Keda(Component):
    TOKEN = "lepton:k8s:Keda"

    def __init__(self, name: str, args: KedaArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        # KEDA's pods need nothing privileged: enforce baseline, and warn on anything not restricted.
        self.namespace = namespace(
            child_name(name, "namespace"),
            KEDA_NAMESPACE,
            {
                **args.namespace_labels,
                **common_labels("keda", "autoscaling"),
                **psa_labels("baseline", args.kubernetes_version, warn="restricted"),
            },
            self.child_opts(),
        )
        # The chart owns the ScaledObject CRD; the services' ScaledObjects wait for this release.
        self.release = pinned_release(
            child_name(name, "operator"),
            args.chart,
            self.namespace.metadata.name,
            {"crds": {"install": True}, **KEDA_PRIORITY},
            self.child_opts(depends_on=list(args.depends_on)),
        )
        # The add-on registers its scaler with KEDA through KEDA's CRDs (ScaledObject): after KEDA.
        # Its interceptor and scaler pods run in this namespace, under the same baseline enforcement
        # (the chart drops all capabilities and forbids privilege escalation); no NetworkPolicy
        # applies here, the tenants' side admits the interceptor (`interceptor_ingress_spec`).
        self.http_release: k8s.helm.v3.Release | None = None
        if args.http_add_on:
            self.http_release = pinned_release(
                child_name(name, "http-add-on"),
                args.http_add_on_chart,
                self.namespace.metadata.name,
                merged(
                    {
                        "crds": {"install": True},
                        **KEDA_HTTP_ADD_ON_HARDENING,
                        "interceptor": {
                            "proxy": {
                                "service": INTERCEPTOR_PROXY_SERVICE_SUFFIX,
                                "port": INTERCEPTOR_PROXY_PORT,
                            },
                            # Where load balancers health-check the interceptor (`/readyz`).
                            "admin": {"port": INTERCEPTOR_ADMIN_PORT},
                            # A request at zero replicas may wait for a GPU node and a multi-GB image pull:
                            # hold it that long. 0.15's own default waits forever (`readinessTimeout` unset,
                            # which replaced 0.12's `replicas.waitTimeout` of 20 s); its response-header
                            # default is 300 s (was 500 ms), ours 120 s, as an inference answers in seconds.
                            "readinessTimeout": COLD_START_WAIT,
                            "responseHeaderTimeout": RESPONSE_HEADER_TIMEOUT,
                            **_replicas({"replicas": {"min": args.http_add_on_replicas}}, args),
                        },
                        **_replicas({"scaler": {"replicas": args.http_add_on_replicas}}, args),
                    },
                    merged(KEDA_HTTP_ADD_ON_PRIORITY, _trimmed(args)),
                ),
                self.child_opts(depends_on=[*args.depends_on, self.release]),
            )
        self.finish(
            {
                "namespace": self.namespace.metadata.name,
                "release": self.release.name,
                "http_add_on_release": self.http_release.name if self.http_release else None,
            }
        )


def _replicas(values: dict[str, object], args: KedaArgs) -> dict[str, object]:
    """`values` when the replicas differ from the chart's default; nothing otherwise (the chart decides)."""
    return values if args.http_add_on_replicas != HTTP_ADD_ON_CHART_REPLICAS else {}


def _trimmed(args: KedaArgs) -> dict[str, object]:
    """The three pods' trimmed requests when asked for; nothing otherwise (the chart's)."""
    if not args.http_add_on_trimmed_requests:
        return {}
    return {pod: HTTP_ADD_ON_TRIMMED_REQUESTS for pod in ("operator", "scaler", "interceptor")}
