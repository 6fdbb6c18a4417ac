"""`Observability`: kube-prometheus-stack (Prometheus, Alertmanager, Grafana), the GPU alert rules and
the GPU dashboard."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.conventions import MONITORING_NAMESPACE
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.hardening import KUBE_PROMETHEUS_STACK_HARDENING, merged
from lepton_infra.kubernetes.charts.helm import pinned_release
from lepton_infra.kubernetes.charts.pinned import KPS_FULLNAME, KUBE_PROMETHEUS_STACK, HelmChart
from lepton_infra.kubernetes.charts.priority_values import KUBE_PROMETHEUS_STACK_PRIORITY
from lepton_infra.kubernetes.meta import common_labels, namespace, psa_labels
from lepton_infra.kubernetes.observability.alert_routing import AlertReceivers, alertmanager_config
from lepton_infra.kubernetes.observability.alerts import gpu_alert_rules, prometheus_rule_spec
from lepton_infra.kubernetes.observability.dashboards import gpu_dashboard_json
from lepton_infra.kubernetes.observability.engine_dashboard import dashboard_uid, engine_dashboard_json
from lepton_infra.spec import ClusterSpec, MonitoringSpec
from lepton_infra.spec.engines import Engine
from lepton_infra.spec.problems import like_spec_field

GRAFANA_DASHBOARD_LABEL = "grafana_dashboard"
# The CRD upgrade job's first container only unpacks the CRDs (`bzcat`); the chart defaults it to
# docker.io/busybox:latest. Pinned, so an upgrade runs a known image (Docker Hub official busybox).
CRD_UPGRADE_BUSYBOX_TAG = "1.37.0"


@dataclass
class ObservabilityArgs(ComponentArgs):
    kubernetes_version: str
    """The cluster's minor (`1.33`): the Pod Security Admission version the monitoring namespace pins."""
    retention_days: int
    """Days Prometheus keeps metrics (1-400, as the spec's `monitoring.retention_days`)."""
    storage_gb: int
    """Size of Prometheus's volume in GiB (10-10000); retention also stops at 85% of it, so the disk never
    fills. The volume is billed at the storage class's disk price."""
    storage_class: str
    """The StorageClass of Prometheus's and Alertmanager's volumes (`ClusterHandle.storage_class`: the
    cloud's encrypted one)."""
    receivers: AlertReceivers
    """Where Alertmanager sends every alert (e-mail through an SMTP relay, Slack, PagerDuty, webhooks, a
    heartbeat), with the Secrets holding their credentials, mounted into Alertmanager."""
    gpu_idle_percent: int
    """A GPU below this utilisation (percent) for an hour raises the idle-GPU alert (1-100)."""
    depends_on: Sequence[pulumi.Resource] = ()
    """What the release waits for (node pools, the CSI driver and storage class its volumes need, the
    `lepton-platform` PriorityClass its pods name), passed to the release: a component's `depends_on` does
    not reach the children it creates. Default: none."""
    chart: HelmChart = field(default_factory=lambda: KUBE_PROMETHEUS_STACK)
    """The kube-prometheus-stack chart to install. Default: the pinned one (kubernetes/charts/pinned.py)."""
    gpu_metrics: frozenset[str] = frozenset()
    """The DCGM fields a cloud-run exporter serves (`GpuFacts.dcgm_exporter.metrics`): GPU alerts on other
    fields are left out. Default: empty, every field the operator's exporter serves."""
    cluster_dns: str = "coredns"
    """The cluster's DNS server (`ClusterHandle.cluster_dns`: `coredns` or `kube-dns`), whose metrics the
    chart scrapes. Default: coredns."""
    engines: Sequence[Engine] = ()
    """The inference engines the platform's services run (spec/engines.py): one Grafana dashboard each
    (kubernetes/observability/engine_dashboard.py). Default: none."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("kubernetes_version", self.kubernetes_version, ClusterSpec, "version")
        for arg in ("retention_days", "storage_gb", "gpu_idle_percent"):
            yield from like_spec_field(arg, getattr(self, arg), MonitoringSpec, arg)
        yield from like_spec_field(
            "receivers.emails", list(self.receivers.emails), MonitoringSpec, "alert_emails"
        )


def kube_prometheus_stack_values(args: ObservabilityArgs) -> dict[str, Any]:
    # Managed control planes (EKS, GKE, AKS) do not expose etcd, the scheduler, the controller manager
    # or kube-proxy metrics: scraping them only produces always-firing TargetDown alerts.
    control_plane_off = {"enabled": False}
    alertmanager_spec: dict[str, Any] = {
        "storage": {
            "volumeClaimTemplate": {
                "spec": {
                    "storageClassName": args.storage_class,
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "2Gi"}},
                }
            }
        },
    }
    if args.receivers.secrets:
        # Mounted at alert_routing.SECRETS_MOUNT/<name>/; the deployer creates them before `pulumi up`.
        alertmanager_spec["secrets"] = args.receivers.secrets
    return merged(
        {
            "fullnameOverride": KPS_FULLNAME,
            # Helm installs the CRDs under the chart's crds/ once and never upgrades them, so a chart bump
            # would run a newer operator against old CRDs. The chart's upgrade job (charts/crds/templates/
            # upgrade/ at 88.5.3: a pre-install/pre-upgrade/pre-rollback hook Job, kubectl `apply
            # --server-side --force-conflicts` of the CRDs it carries, a ClusterRole limited to those CRD
            # names) applies them first. It needs only the API server; its kubectl image is
            # registry.k8s.io/kubectl at the cluster's own version.
            "crds": {
                "enabled": True,
                "upgradeJob": {
                    "enabled": True,
                    "forceConflicts": True,
                    "image": {"busybox": {"tag": CRD_UPGRADE_BUSYBOX_TAG}},
                },
            },
            # Scrape the DNS server the cluster runs (both select k8s-app=kube-dns pods, on different ports).
            "coreDns": {"enabled": args.cluster_dns == "coredns"},
            "kubeDns": {"enabled": args.cluster_dns == "kube-dns"},
            "kubeControllerManager": control_plane_off,
            "kubeScheduler": control_plane_off,
            "kubeEtcd": control_plane_off,
            "kubeProxy": control_plane_off,
            "defaultRules": {
                "rules": {
                    "etcd": False,
                    "kubeControllerManager": False,
                    "kubeProxy": False,
                    "kubeSchedulerAlerting": False,
                    "kubeSchedulerRecording": False,
                }
            },
            "prometheus": {
                "prometheusSpec": {
                    "retention": f"{args.retention_days}d",
                    # Leave headroom on the volume: Prometheus deletes old blocks before the disk fills.
                    "retentionSize": f"{int(args.storage_gb * 0.85)}GB",
                    # Pick up every ServiceMonitor/PodMonitor/PrometheusRule, not only this release's.
                    "serviceMonitorSelectorNilUsesHelmValues": False,
                    "podMonitorSelectorNilUsesHelmValues": False,
                    "ruleSelectorNilUsesHelmValues": False,
                    "probeSelectorNilUsesHelmValues": False,
                    "storageSpec": {
                        "volumeClaimTemplate": {
                            "spec": {
                                "storageClassName": args.storage_class,
                                "accessModes": ["ReadWriteOnce"],
                                "resources": {"requests": {"storage": f"{args.storage_gb}Gi"}},
                            }
                        }
                    },
                    "resources": {"requests": {"cpu": "500m", "memory": "2Gi"}, "limits": {"memory": "8Gi"}},
                }
            },
            "alertmanager": {
                "config": alertmanager_config(args.receivers),
                "alertmanagerSpec": alertmanager_spec,
            },
            "grafana": {
                "enabled": True,
                # Never a known password (older kube-prometheus-stack defaults set the public "prom-operator";
                # 88.5.3 leaves it commented out). Empty makes the Grafana chart (12.11.1, _config.tpl)
                # generate a random one into its Secret, and keep it across upgrades.
                "adminPassword": "",
                "defaultDashboardsTimezone": "utc",
                "sidecar": {
                    "dashboards": {"enabled": True, "label": GRAFANA_DASHBOARD_LABEL, "labelValue": "1"}
                },
                "grafana.ini": {
                    "auth.anonymous": {"enabled": False},
                    "users": {"allow_sign_up": False},
                    "analytics": {"reporting_enabled": False, "check_for_updates": False},
                },
            },
        },
        merged(KUBE_PROMETHEUS_STACK_HARDENING, KUBE_PROMETHEUS_STACK_PRIORITY),
    )


class Observability(Component):
    TOKEN = "lepton:k8s:Observability"

    def __init__(
        self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        # node-exporter needs the host's network, PID namespace and filesystem: privileged namespace.
        self.namespace = namespace(
            child_name(name, "namespace"),
            MONITORING_NAMESPACE,
            {
                **common_labels("monitoring", "observability"),
                **psa_labels("privileged", args.kubernetes_version),
            },
            self.child_opts(),
        )
        ns = self.namespace.metadata.name
        self.release = pinned_release(
            child_name(name, "kube-prometheus-stack"),
            args.chart,
            ns,
            kube_prometheus_stack_values(args),
            self.child_opts(depends_on=list(args.depends_on)),
            timeout_seconds=900,
            upgrades_crds_in_hook=True,
        )
        self.gpu_rules = k8s.apiextensions.CustomResource(
            child_name(name, "gpu-rules"),
            api_version="monitoring.coreos.com/v1",
            kind="PrometheusRule",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name="lepton-gpu", namespace=ns, labels=common_labels("lepton-gpu", "alerts")
            ),
            spec=prometheus_rule_spec(gpu_alert_rules(args.gpu_idle_percent, exported=args.gpu_metrics)),
            # The PrometheusRule CRD comes with the chart.
            opts=self.child_opts(depends_on=[self.release]),
        )
        # The Grafana sidecar loads any ConfigMap with this label; it does not need the chart first.
        self.gpu_dashboard = k8s.core.v1.ConfigMap(
            child_name(name, "gpu-dashboard"),
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name="lepton-gpu-dashboard",
                namespace=ns,
                labels={**common_labels("lepton-gpu-dashboard", "dashboards"), GRAFANA_DASHBOARD_LABEL: "1"},
            ),
            data={"lepton-gpu.json": gpu_dashboard_json(exported=args.gpu_metrics)},
            opts=self.child_opts(),
        )
        self.engine_dashboards = [
            k8s.core.v1.ConfigMap(
                child_name(name, f"{engine.kind}-dashboard"),
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=f"lepton-{engine.kind}-dashboard",
                    namespace=ns,
                    labels={
                        **common_labels(f"lepton-{engine.kind}-dashboard", "dashboards"),
                        GRAFANA_DASHBOARD_LABEL: "1",
                    },
                ),
                data={f"{dashboard_uid(engine)}.json": engine_dashboard_json(engine)},
                opts=self.child_opts(),
            )
            for engine in args.engines
        ]
        self.finish({"namespace": ns, "release": self.release.name})
