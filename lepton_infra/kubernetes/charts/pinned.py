"""Pinned Helm charts of the in-cluster layer, as `HelmChart`s built from the one table that holds the pins.

Versions are pinned, never floating, and written once: in `core/data/chart_support.yaml`, next to what each
version supports (the spec refuses a `cluster.version` outside it) and where that was read. A bump is one
edit there, visible as a `version` input diff on the Release in `pulumi preview`; the tests then hold it to
the chart's values keys and images at the new tag (`tests/kubernetes/chart_values/`). This module adds only
what is not a version: the names the platform's objects use to reach what the charts install.
"""

from __future__ import annotations

from dataclasses import dataclass

from lepton_infra.core.chart_support import chart_support, minor_tuple


@dataclass(frozen=True)
class HelmChart:
    repo: str
    chart: str
    version: str
    # The Helm release name; fixed so in-cluster names derived from it (services, secrets) are stable.
    release: str

    @property
    def reference(self) -> str:
        """What Helm is given as the chart: its name in an HTTP repository, or the full `oci://` address
        (Helm reads no index from an OCI registry, so the repository option cannot name one)."""
        return f"{self.repo}/{self.chart}" if self.repo.startswith("oci://") else self.chart


def pinned(chart: str) -> HelmChart:
    """The chart as the support table pins it."""
    row = chart_support()[chart]
    return HelmChart(repo=row.repo, chart=row.chart, version=row.version, release=row.release)


GPU_OPERATOR = pinned("gpu-operator")
KUBE_PROMETHEUS_STACK = pinned("kube-prometheus-stack")
KEDA = pinned("keda")

# The HTTP add-on: an interceptor proxy in front of scale-to-zero services counts their requests and holds
# them while KEDA brings the first replica up (a Prometheus trigger cannot: at zero replicas nothing
# serves or counts). The platform renders `HTTPScaledObject`s, which 0.15 still serves; since 0.14 the
# operator logs a deprecation warning for them in favour of `InterceptorRoute` plus a ScaledObject. The
# release name equals the chart name, so in-cluster names are `keda-add-ons-http-*`.
KEDA_HTTP_ADD_ON = pinned("keda-add-ons-http")
# The interceptor's proxy Service (`<chart>-<interceptor.proxy.service>`) and port, both set explicitly in
# the release's values so the address the services publish cannot drift from the chart's defaults.
INTERCEPTOR_PROXY_SERVICE_SUFFIX = "interceptor-proxy"
INTERCEPTOR_PROXY_SERVICE = f"{KEDA_HTTP_ADD_ON.chart}-{INTERCEPTOR_PROXY_SERVICE_SUFFIX}"
INTERCEPTOR_PROXY_PORT = 8080
# The interceptor's admin server, also set in the release's values: from 0.15.0 its readiness (`/readyz`,
# 503 while draining) is served only there (kedacore/http-add-on v0.15.0 interceptor/admin.go; chart
# templates/interceptor/deployment.yaml probes `port: admin`), so load balancers health-check it there.
INTERCEPTOR_ADMIN_PORT = 9090
INTERCEPTOR_HEALTH_PATH = "/readyz"
# The label the chart puts on the interceptor pods (stable across chart versions); tenants admit it.
INTERCEPTOR_POD_LABELS = {"app.kubernetes.io/component": "interceptor"}

# cert-manager: certificates for the routes' hosts, where the load balancer reads them from Secrets (GKE
# Gateway, AKS app routing; an ALB reads ACM only).
CERT_MANAGER = pinned("cert-manager")
METRICS_SERVER = pinned("metrics-server")
# Kueue: job queueing with quota, cohorts and preemption. Published only as an OCI chart; at a release tag
# the packaged values point the image at registry.k8s.io/kueue/kueue:<tag> (hack/helm-chart-package.sh).
KUEUE = pinned("kueue")
# JobSet: the multi-node job API Kueue admits as one workload (kubernetes/jobs/jobset.py). Published as an
# OCI chart; the packaged values point the image at registry.k8s.io/jobset/jobset:<tag>
# (hack/helm-chart-package.sh at v0.12.0).
JOBSET = pinned("jobset")

# kube-prometheus-stack names its objects `<fullname>-<component>`; a short fixed fullname keeps the
# Prometheus service at a predictable address for KEDA's Prometheus scaler.
KPS_FULLNAME = "kps"
PROMETHEUS_SERVICE = f"{KPS_FULLNAME}-prometheus"
PROMETHEUS_PORT = 9090

# The cluster autoscaler (installed by the AWS platform; GKE and AKS run their own). This module imports no
# SDK, so lepton_infra.aws may read it.
CLUSTER_AUTOSCALER = pinned("cluster-autoscaler")
# The autoscaler's minor must match the cluster's, so its image is pinned per Kubernetes minor (the table's
# `image_tags`); the chart's own default image is always overridden.
CLUSTER_AUTOSCALER_IMAGE_TAGS = dict(chart_support()["cluster-autoscaler"].image_tags)

# The AWS Load Balancer Controller (installed by the AWS platform when a service is exposed): Ingresses of
# class `alb` become ALBs. Its IAM policy is derived in aws/lb_controller.py from the app version the chart
# ships (chart 3.5.0 = app v3.5.0).
AWS_LOAD_BALANCER_CONTROLLER = pinned("aws-load-balancer-controller")
# The FSx for Lustre CSI driver (installed by the AWS platform with `filesystem.enabled`).
AWS_FSX_CSI_DRIVER = pinned("aws-fsx-csi-driver")
# The EFA device plugin (installed by the AWS platform on a fabric pool's nodes).
AWS_EFA_DEVICE_PLUGIN = pinned("aws-efa-k8s-device-plugin")
# The ProvisioningRequest CRD (autoscaling.x-k8s.io) the autoscaler serves with
# `--enable-provisioning-requests`. No autoscaler chart ships it (9.59.0 grants RBAC for it but templates no
# CRD), so it is applied from the autoscaler's repository at the pinned image's tag. Its `v1` version, which
# Kueue 0.19 creates, is served from 1.31 on (1.30.x has only v1beta1; read at every pinned tag, 1.33.6
# through 1.36.1: v1 served and stored).
PROVISIONING_REQUEST_CRD_URL = (
    "https://raw.githubusercontent.com/kubernetes/autoscaler/cluster-autoscaler-{version}/"
    "cluster-autoscaler/apis/config/crd/autoscaling.x-k8s.io_provisioningrequests.yaml"
)
PROVISIONING_REQUEST_V1_SINCE = "1.31"
PROVISIONING_REQUEST_V1_MINORS = frozenset(
    m for m in CLUSTER_AUTOSCALER_IMAGE_TAGS if minor_tuple(m) >= minor_tuple(PROVISIONING_REQUEST_V1_SINCE)
)
