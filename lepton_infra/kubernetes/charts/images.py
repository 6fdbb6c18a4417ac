"""The image repositories each pinned chart can run, for admission allowlists (GKE Binary Authorization).

Reviewed data, one entry per chart version in `pinned.py` (subcharts folded into their parent): every
image repository the chart's values.yaml names at the pinned tag, enabled by default or not, so the
allowlist admits whatever the chart runs with any of its components switched on and nothing else.
`tests/kubernetes/chart_values/*.images` hold the same lists generated from values.yaml; a test holds
this table to them (a chart bump that brings a new registry fails until it is reviewed here).
Images are written as the charts render them, registry first (`docker.io/...` included), because an
admission allowlist matches the image string of the pod spec.
"""

from __future__ import annotations

from collections.abc import Iterable

from lepton_infra.kubernetes.charts import pinned as charts

CHART_IMAGE_REPOSITORIES: dict[tuple[str, str], tuple[str, ...]] = {
    # with its subcharts (grafana, kube-state-metrics, prometheus-node-exporter: the support table's
    # `subcharts`); docker.io/busybox and registry.k8s.io/kubectl are the CRD upgrade job's.
    (charts.KUBE_PROMETHEUS_STACK.chart, charts.KUBE_PROMETHEUS_STACK.version): (
        "docker.io/bats/bats",
        "docker.io/busybox",
        "docker.io/curlimages/curl",
        "docker.io/grafana/grafana",
        "docker.io/grafana/grafana-image-renderer",
        "docker.io/library/busybox",
        "ghcr.io/jkroepke/kube-webhook-certgen",
        "quay.io/brancz/kube-rbac-proxy",
        "quay.io/kiwigrid/k8s-sidecar",
        "quay.io/prometheus-operator/admission-webhook",
        "quay.io/prometheus-operator/prometheus-config-reloader",
        "quay.io/prometheus-operator/prometheus-operator",
        "quay.io/prometheus/alertmanager",
        "quay.io/prometheus/busybox",
        "quay.io/prometheus/node-exporter",
        "quay.io/prometheus/prometheus",
        "quay.io/thanos/thanos",
        "registry.k8s.io/kube-state-metrics/kube-state-metrics",
        "registry.k8s.io/kubectl",
    ),
    # with node-feature-discovery (its Chart.yaml); the DRA driver is 26.7's, off unless `draDriver` is on.
    (charts.GPU_OPERATOR.chart, charts.GPU_OPERATOR.version): (
        "nvcr.io/nvidia/cloud-native/dcgm",
        "nvcr.io/nvidia/cloud-native/gdrdrv",
        "nvcr.io/nvidia/cloud-native/k8s-cc-manager",
        "nvcr.io/nvidia/cloud-native/k8s-driver-manager",
        "nvcr.io/nvidia/cloud-native/k8s-mig-manager",
        "nvcr.io/nvidia/cloud-native/nvidia-fs",
        "nvcr.io/nvidia/cloud-native/nvidia-sandbox-device-plugin",
        "nvcr.io/nvidia/cloud-native/vgpu-device-manager",
        "nvcr.io/nvidia/dra-driver-nvidia-gpu",
        "nvcr.io/nvidia/driver",
        "nvcr.io/nvidia/gpu-operator",
        "nvcr.io/nvidia/k8s-device-plugin",
        "nvcr.io/nvidia/k8s/container-toolkit",
        "nvcr.io/nvidia/k8s/dcgm-exporter",
        "nvcr.io/nvidia/kubevirt-gpu-device-plugin",
        "registry.k8s.io/nfd/node-feature-discovery",
    ),
    (charts.KEDA.chart, charts.KEDA.version): (
        "ghcr.io/kedacore/keda",
        "ghcr.io/kedacore/keda-admission-webhooks",
        "ghcr.io/kedacore/keda-metrics-apiserver",
    ),
    (charts.KEDA_HTTP_ADD_ON.chart, charts.KEDA_HTTP_ADD_ON.version): (
        "ghcr.io/kedacore/http-add-on-interceptor",
        "ghcr.io/kedacore/http-add-on-operator",
        "ghcr.io/kedacore/http-add-on-scaler",
    ),
    (charts.METRICS_SERVER.chart, charts.METRICS_SERVER.version): (
        "registry.k8s.io/autoscaling/addon-resizer",
        "registry.k8s.io/metrics-server/metrics-server",
    ),
    # The packaged OCI chart points at registry.k8s.io/kueue (values.yaml at the tag names the staging
    # registry; hack/helm-chart-package.sh rewrites it for promoted releases).
    (charts.KUEUE.chart, charts.KUEUE.version): (
        "registry.k8s.io/kueue/kueue",
        "registry.k8s.io/kueue/kueueviz-backend",
        "registry.k8s.io/kueue/kueueviz-frontend",
    ),
    # Likewise for JobSet: values.yaml names the staging registry, the packaged chart registry.k8s.io/jobset.
    (charts.JOBSET.chart, charts.JOBSET.version): ("registry.k8s.io/jobset/jobset",),
    (charts.CLUSTER_AUTOSCALER.chart, charts.CLUSTER_AUTOSCALER.version): (
        "registry.k8s.io/autoscaling/cluster-autoscaler",
    ),
    # cert-manager composes `<imageRegistry>/<imageNamespace>/<image.name>` (quay.io/jetstack/...).
    (charts.CERT_MANAGER.chart, charts.CERT_MANAGER.version): (
        "quay.io/jetstack/cert-manager-acmesolver",
        "quay.io/jetstack/cert-manager-cainjector",
        "quay.io/jetstack/cert-manager-controller",
        "quay.io/jetstack/cert-manager-startupapicheck",
        "quay.io/jetstack/cert-manager-webhook",
    ),
    (charts.AWS_LOAD_BALANCER_CONTROLLER.chart, charts.AWS_LOAD_BALANCER_CONTROLLER.version): (
        "public.ecr.aws/eks/aws-load-balancer-controller",
    ),
    (charts.AWS_EFA_DEVICE_PLUGIN.chart, charts.AWS_EFA_DEVICE_PLUGIN.version): (
        "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/aws-efa-k8s-device-plugin",
    ),
}


# Charts only the AWS layer installs and whose images the GKE allowlist (all charts by default) leaves out:
# the EFA device plugin runs on EKS fabric pools only. (The AWS autoscaler's and load balancer controller's
# images predate this and stay on the GKE allowlist; dropping them is a GKE plan change of its own.)
AWS_ONLY_CHARTS = frozenset({charts.AWS_EFA_DEVICE_PLUGIN.chart})


def repository_pattern(repository: str) -> str:
    """An allowlist pattern admitting one repository at any tag or digest and nothing below it: Binary
    Authorization's trailing `*` matches any text without a `/` (`:v1.2`, `@sha256:...`)."""
    return f"{repository}*"


def chart_image_patterns(chart_names: Iterable[str] | None = None) -> list[str]:
    """Allowlist patterns for the images of the pinned charts (all but `AWS_ONLY_CHARTS`, or those named),
    sorted."""
    wanted = set(chart_names) if chart_names is not None else None
    return sorted(
        {
            repository_pattern(repo)
            for (chart, _), repos in CHART_IMAGE_REPOSITORIES.items()
            if (chart in wanted if wanted is not None else chart not in AWS_ONLY_CHARTS)
            for repo in repos
        }
    )
