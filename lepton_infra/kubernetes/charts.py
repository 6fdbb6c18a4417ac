"""Pinned Helm charts of the in-cluster layer: one place to bump a version (and to review it).

Versions are pinned, never floating: a chart upgrade is a reviewed change to this file, visible as a
`version` input diff on the Release in `pulumi preview`. A bump also reviews two data files the tests hold
it to: the chart's support row in `core/data/chart_support.yaml` (Kubernetes minors, companion charts;
the spec refuses a `cluster.version` outside it) and its values keys in `tests/kubernetes/chart_values/`.
"""

from __future__ import annotations

from dataclasses import dataclass


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


GPU_OPERATOR = HelmChart(
    repo="https://helm.ngc.nvidia.com/nvidia",
    chart="gpu-operator",
    version="v26.3.0",
    release="gpu-operator",
)

KUBE_PROMETHEUS_STACK = HelmChart(
    repo="https://prometheus-community.github.io/helm-charts",
    chart="kube-prometheus-stack",
    version="82.16.0",
    release="kube-prometheus-stack",
)

# 2.18: the KEDA minor the HTTP add-on 0.12 is released for, and tested on Kubernetes 1.31-1.33.
KEDA = HelmChart(
    repo="https://kedacore.github.io/charts",
    chart="keda",
    version="2.18.3",
    release="keda",
)

# The HTTP add-on: an interceptor proxy in front of scale-to-zero services counts their requests and holds
# them while KEDA brings the first replica up (a Prometheus trigger cannot: at zero replicas nothing
# serves or counts). 0.12's current API is `HTTPScaledObject` (from 0.14 it is deprecated in
# favour of `InterceptorRoute`); the release name equals the chart name, so in-cluster names are
# `keda-add-ons-http-*`.
KEDA_HTTP_ADD_ON = HelmChart(
    repo="https://kedacore.github.io/charts",
    chart="keda-add-ons-http",
    version="0.12.0",
    release="keda-add-ons-http",
)
# The interceptor's proxy Service (`<chart>-<interceptor.proxy.service>`) and port, both set explicitly in
# the release's values so the address the services publish cannot drift from the chart's defaults.
INTERCEPTOR_PROXY_SERVICE_SUFFIX = "interceptor-proxy"
INTERCEPTOR_PROXY_SERVICE = f"{KEDA_HTTP_ADD_ON.chart}-{INTERCEPTOR_PROXY_SERVICE_SUFFIX}"
INTERCEPTOR_PROXY_PORT = 8080
# The label the chart puts on the interceptor pods (stable across chart versions); tenants admit it.
INTERCEPTOR_POD_LABELS = {"app.kubernetes.io/component": "interceptor"}

# cert-manager: certificates for the routes' hosts, where the load balancer reads them from Secrets (GKE
# Gateway, AKS app routing; an ALB reads ACM only). 1.21 supports Kubernetes 1.33-1.36.
CERT_MANAGER = HelmChart(
    repo="https://charts.jetstack.io",
    chart="cert-manager",
    version="v1.21.1",
    release="cert-manager",
)

METRICS_SERVER = HelmChart(
    repo="https://kubernetes-sigs.github.io/metrics-server/",
    chart="metrics-server",
    version="3.12.2",
    release="metrics-server",
)

# Kueue: job queueing with quota, cohorts and preemption. Published only as an OCI chart; at a release tag
# the packaged values point the image at registry.k8s.io/kueue/kueue:<tag> (hack/helm-chart-package.sh).
KUEUE = HelmChart(
    repo="oci://registry.k8s.io/kueue/charts",
    chart="kueue",
    version="0.19.2",
    release="kueue",
)

# kube-prometheus-stack names its objects `<fullname>-<component>`; a short fixed fullname keeps the
# Prometheus service at a predictable address for KEDA's Prometheus scaler.
KPS_FULLNAME = "kps"
PROMETHEUS_SERVICE = f"{KPS_FULLNAME}-prometheus"
PROMETHEUS_PORT = 9090

# The cluster autoscaler (installed by the AWS platform; GKE and AKS run their own). Kept here so every
# chart and image pin is in one file; this module imports no SDK, so lepton_infra.aws may read it.
CLUSTER_AUTOSCALER = HelmChart(
    repo="https://kubernetes.github.io/autoscaler",
    chart="cluster-autoscaler",
    version="9.46.6",
    release="cluster-autoscaler",
)
# The autoscaler's minor must match the cluster's, so its image is pinned per Kubernetes minor: the
# latest patch of each, from the kubernetes/autoscaler tags `cluster-autoscaler-<version>` (checked
# 2026-12: 1.30.7, 1.31.5, 1.32.7, 1.33.6). The chart's own default image (1.32.0 in 9.46.6) is
# always overridden; the first chart shipping 1.33 (9.47.0, through 9.51.0) adds no ClusterRole rule
# for the AWS provider (only CoreWeave's and `rbac.additionalRules`), so 9.46.6's RBAC serves 1.33.
CLUSTER_AUTOSCALER_IMAGE_TAGS = {"1.30": "v1.30.7", "1.31": "v1.31.5", "1.32": "v1.32.7", "1.33": "v1.33.6"}

# The AWS Load Balancer Controller (installed by the AWS platform when a service is exposed): Ingresses of
# class `alb` become ALBs. Chart 3.5.0 ships app v3.5.0 (aws/eks-charts stable/aws-load-balancer-controller
# at 5239609, "aws-load-balancer-controller: v3.5.0"); its IAM policy is derived in aws/lb_controller.py.
AWS_LOAD_BALANCER_CONTROLLER = HelmChart(
    repo="https://aws.github.io/eks-charts",
    chart="aws-load-balancer-controller",
    version="3.5.0",
    release="aws-load-balancer-controller",
)
# The ProvisioningRequest CRD (autoscaling.x-k8s.io) the autoscaler serves with
# `--enable-provisioning-requests`. No autoscaler chart ships it or RBAC for it (9.46.6 through 9.51.0
# template neither), so it is applied from the autoscaler's repository at the pinned image's tag. Its
# `v1` version, which Kueue 0.19 creates, is served from 1.31 on (1.30.x has only v1beta1).
PROVISIONING_REQUEST_CRD_URL = (
    "https://raw.githubusercontent.com/kubernetes/autoscaler/cluster-autoscaler-{version}/"
    "cluster-autoscaler/apis/config/crd/autoscaling.x-k8s.io_provisioningrequests.yaml"
)
PROVISIONING_REQUEST_V1_MINORS = frozenset({"1.31", "1.32", "1.33"})
