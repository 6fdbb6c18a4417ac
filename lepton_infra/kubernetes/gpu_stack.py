"""`GpuStack`: the NVIDIA GPU operator, installing only what the cloud's GPU nodes still lack.

Which pieces run is decided from `GpuFacts` alone (never from the cloud's name), so a new cloud is one
set of facts, not a new branch here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.core.cluster_handle import ExporterPods, GpuFacts, NodeTaint
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.conventions import (
    GPU_OPERATOR_NAMESPACE,
    GPU_TAINT_EFFECT,
    GPU_TAINT_KEY,
    MONITORING_NAMESPACE,
    reserved_toleration,
)
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.checks import kubernetes_version_problems
from lepton_infra.kubernetes.charts.helm import pinned_release
from lepton_infra.kubernetes.charts.pinned import GPU_OPERATOR, HelmChart
from lepton_infra.kubernetes.meta import common_labels, namespace, psa_labels
from lepton_infra.kubernetes.priority import SYSTEM_NODE_CRITICAL, critical_pods_quota

DCGM_EXPORTER_APP_LABEL = "nvidia-dcgm-exporter"  # label the operator puts on its exporter Service
DCGM_EXPORTER_PORT_NAME = "gpu-metrics"
SCRAPE_INTERVAL = "30s"


@dataclass(frozen=True)
class GpuOperatorToggles:
    driver: bool
    toolkit: bool
    device_plugin: bool
    dcgm_exporter: bool

    @property
    def anything(self) -> bool:
        """False when the cloud provides every piece: then no operator at all (its validator and
        feature discovery would only duplicate, and can fight, the cloud's own GPU setup)."""
        return self.driver or self.toolkit or self.device_plugin or self.dcgm_exporter


def gpu_operator_toggles(facts: GpuFacts) -> GpuOperatorToggles:
    """What the operator must install, given what the node image already has.

    The container toolkit follows the driver: every node image that ships the NVIDIA driver (EKS
    NVIDIA AMI, GKE-managed drivers, AKS GPU images) also configures the container runtime for it, and
    a second toolkit would rewrite that runtime config.
    """
    return GpuOperatorToggles(
        driver=not facts.driver_installed,
        toolkit=not facts.driver_installed,
        device_plugin=not facts.device_plugin_installed,
        dcgm_exporter=not facts.dcgm_exporter_installed,
    )


# node-feature-discovery's worker tolerations as the GPU operator chart sets them (NVIDIA/gpu-operator
# v26.7.0 deployments/gpu-operator/values.yaml, `node-feature-discovery.worker.tolerations`). Helm replaces a
# list value whole, so ours repeats them before adding the cloud's.
NFD_WORKER_TOLERATIONS = (
    {
        "key": "node-role.kubernetes.io/control-plane",
        "operator": "Equal",
        "value": "",
        "effect": "NoSchedule",
    },
    {"key": GPU_TAINT_KEY, "operator": "Exists", "effect": GPU_TAINT_EFFECT},
)


def gpu_operator_values(
    toggles: GpuOperatorToggles, cloud_taints: Sequence[NodeTaint] = (), runtime_class: str | None = None
) -> dict[str, Any]:
    gpu_toleration = {"key": GPU_TAINT_KEY, "operator": "Exists", "effect": GPU_TAINT_EFFECT}
    # The cloud's own taints on some GPU nodes (AKS spot): without them no operand lands there. And the
    # taint of prod's reserved pools (core/conventions.py): the device plugin must run on every GPU node,
    # those included (tolerated on every stack: a toleration of a taint no node carries changes nothing,
    # and a spec change may reserve a pool).
    cloud = [t.toleration() for t in cloud_taints]
    node_taints = [reserved_toleration(), *cloud]
    tolerations = [gpu_toleration, *node_taints]
    operator: dict[str, Any] = {"upgradeCRD": True}
    if runtime_class is not None:
        # Every operand pod (device plugin, validator, DCGM exporter, feature discovery) gets this
        # runtimeClassName, and the operator creates the RuntimeClass with it as handler
        # (controllers/object_controls.go at v26.7.0: setRuntimeClassName, transformRuntimeClass). The
        # chart's `nvidia` names a handler only the operator's own toolkit configures.
        operator["runtimeClass"] = runtime_class
    values: dict[str, Any] = {
        "driver": {"enabled": toggles.driver},
        "toolkit": {"enabled": toggles.toolkit},
        "devicePlugin": {"enabled": toggles.device_plugin},
        # The exporter embeds its own DCGM host engine; a standalone one is only for external tools.
        "dcgm": {"enabled": False},
        # The ServiceMonitor is ours (visible in the plan, ordered after the Prometheus CRDs).
        "dcgmExporter": {"enabled": toggles.dcgm_exporter, "serviceMonitor": {"enabled": False}},
        "nfd": {"enabled": True},
        # Helm never upgrades the CRDs under the chart's crds/; the chart's pre-upgrade hook Job
        # (templates/upgrade_crd.yaml at v26.7.0, the operator image's manage-crds) applies the new
        # ClusterPolicy, NVIDIADriver, GPUCluster and NFD CRDs first. On by default since 24.9; set
        # so the plan shows it. (It skips the DRA ComputeDomain CRDs, which the platform does not use.)
        "operator": operator,
        # Operands must land on the tainted GPU nodes and survive node pressure.
        "daemonsets": {"tolerations": tolerations, "priorityClassName": SYSTEM_NODE_CRITICAL},
    }
    if runtime_class is not None:
        # The cloud's toolkit, as NVIDIA documents it for AKS (cloud-native-docs gpu-operator/
        # microsoft-aks.rst, procedure unchanged since 2023, last edited 2025-10-08): written when the
        # chart's `cdi.enabled` defaulted to false. From v25.10.0 it defaults to true and GPUs reach
        # containers through the runtime's own CDI support and specs the operator's toolkit writes
        # (release-notes.rst, 25.10.0); with the cloud's toolkit, the documented device-list path
        # (NVIDIA_VISIBLE_DEVICES through the node's nvidia-container-runtime) is the one kept.
        values["cdi"] = {"enabled": False}
    # The NFD worker labels each node with its PCI devices (`feature.node.kubernetes.io/
    # pci-10de.present`), from which the operator sets `nvidia.com/gpu.present` and places its
    # operands (controllers/state_manager.go at v26.7.0, gpuNodeLabels). On a node whose taint it
    # does not tolerate (AKS spot, a reserved pool) it never runs: no GPU label, no operand, no
    # `nvidia.com/gpu`.
    values["node-feature-discovery"] = {"worker": {"tolerations": [*NFD_WORKER_TOLERATIONS, *node_taints]}}
    return values


def dcgm_service_monitor_spec(cloud_exporter: bool) -> dict[str, Any]:
    """Scrape the operator's exporter; when the cloud runs its own exporter, find it in any namespace by
    the same app label (the cloud layer documents that its exporter carries it)."""
    namespace_selector: dict[str, Any] = (
        {"any": True} if cloud_exporter else {"matchNames": [GPU_OPERATOR_NAMESPACE]}
    )
    return {
        "selector": {"matchLabels": {"app": DCGM_EXPORTER_APP_LABEL}},
        "namespaceSelector": namespace_selector,
        "endpoints": [
            {
                "port": DCGM_EXPORTER_PORT_NAME,
                "path": "/metrics",
                "interval": SCRAPE_INTERVAL,
                # Keep the node name on every GPU series, for alerts and the dashboard.
                "relabelings": [
                    {
                        "sourceLabels": ["__meta_kubernetes_pod_node_name"],
                        "targetLabel": "node",
                        "action": "replace",
                    }
                ],
            }
        ],
    }


def cloud_exporter_pod_monitor_spec(pods: ExporterPods) -> dict[str, Any]:
    """Scrape the cloud's own exporter pods where the cloud says they run (GKE's managed exporter has no
    Service, so a ServiceMonitor cannot reach it). The node name is kept for alerts and the dashboard.
    kube-prometheus-stack 82.16.0 selects PodMonitors in every namespace (podMonitorNamespaceSelector {})
    and its Prometheus ClusterRole lists pods cluster-wide, so one in `monitoring` reaches them (read at
    82.16.0; 88.5.3's values keep `podMonitorNamespaceSelector: {}`)."""
    return {
        "selector": {"matchLabels": dict(pods.pod_labels)},
        "namespaceSelector": {"matchNames": [pods.namespace]},
        "podMetricsEndpoints": [
            {
                "port": pods.port,
                "path": pods.path,
                "interval": SCRAPE_INTERVAL,
                "relabelings": [
                    {
                        "sourceLabels": ["__meta_kubernetes_pod_node_name"],
                        "targetLabel": "node",
                        "action": "replace",
                    }
                ],
            }
        ],
    }


@dataclass
class GpuStackArgs(ComponentArgs):
    kubernetes_version: str
    """The cluster's minor (`1.33`): the operator namespace's Pod Security Admission version, and a minor
    the operator chart must support when it is installed."""
    facts: GpuFacts
    """What the cloud's GPU nodes already have (`ClusterHandle.gpu`): the operator installs only the rest
    (driver, container toolkit, device plugin, DCGM exporter), and nothing when the cloud has them all."""
    depends_on: Sequence[pulumi.Resource] = ()
    """What the operator's pods need first (node pools, the cluster autoscaler), passed to the release: a
    component's `depends_on` does not reach the children it creates. Default: none."""
    monitoring_crds: Sequence[pulumi.Resource] = ()
    """The release owning the ServiceMonitor and PodMonitor CRDs (kube-prometheus-stack), which the GPU
    metrics' monitor waits for. Default: none."""
    chart: HelmChart = field(default_factory=lambda: GPU_OPERATOR)
    """The NVIDIA GPU operator chart to install. Default: the pinned one (kubernetes/charts/pinned.py)."""
    critical_priority_needs_quota: bool = False
    """The operator, its operands and node-feature-discovery run at system-node-critical (the chart's
    defaults and ours): set it where the cluster admits that class only under a ResourceQuota (GKE), and
    one is created in the operator's namespace. Default: off."""

    def problems(self) -> Iterator[Problem]:
        installed = gpu_operator_toggles(self.facts).anything
        yield from kubernetes_version_problems(
            self.kubernetes_version, {"chart": self.chart} if installed else {}
        )


class GpuStack(Component):
    TOKEN = "lepton:k8s:GpuStack"

    def __init__(self, name: str, args: GpuStackArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        self.toggles = gpu_operator_toggles(args.facts)
        cloud_exporter = args.facts.dcgm_exporter if args.facts.dcgm_exporter_installed else None
        # Driver and toolkit pods are privileged by nature: this namespace is one of the few that must be.
        # When the cloud runs every piece and says where its exporter is, nothing of ours runs on the
        # GPU nodes, and a privileged namespace holding nothing is only an open door.
        self.namespace: k8s.core.v1.Namespace | None = None
        if self.toggles.anything or cloud_exporter is None:
            self.namespace = namespace(
                child_name(name, "namespace"),
                GPU_OPERATOR_NAMESPACE,
                {**common_labels("gpu-operator", "gpu"), **psa_labels("privileged", args.kubernetes_version)},
                self.child_opts(),
            )
        self.release: k8s.helm.v3.Release | None = None
        self.critical_quota: k8s.core.v1.ResourceQuota | None = None
        if self.toggles.anything and self.namespace is not None:
            if args.critical_priority_needs_quota:
                self.critical_quota = critical_pods_quota(
                    child_name(name, "critical-pods-quota"), self.namespace.metadata.name, self.child_opts()
                )
            self.release = pinned_release(
                child_name(name, "operator"),
                args.chart,
                self.namespace.metadata.name,
                gpu_operator_values(self.toggles, args.facts.cloud_taints, args.facts.runtime_class),
                self.child_opts(
                    depends_on=[*args.depends_on, *([self.critical_quota] if self.critical_quota else [])]
                ),
                timeout_seconds=900,
                upgrades_crds_in_hook=True,
            )
        # GPU metrics are always scraped, from our exporter or from the cloud's.
        monitor_after = [*args.monitoring_crds, *([self.release] if self.release is not None else [])]
        self.service_monitor: k8s.apiextensions.CustomResource | None = None
        self.pod_monitor: k8s.apiextensions.CustomResource | None = None
        if cloud_exporter is not None:
            self.pod_monitor = k8s.apiextensions.CustomResource(
                child_name(name, "cloud-dcgm-monitor"),
                api_version="monitoring.coreos.com/v1",
                kind="PodMonitor",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name="cloud-dcgm-exporter",
                    namespace=MONITORING_NAMESPACE,
                    labels=common_labels("cloud-dcgm-exporter", "gpu-metrics"),
                ),
                spec=cloud_exporter_pod_monitor_spec(cloud_exporter),
                opts=self.child_opts(depends_on=monitor_after),
            )
        else:
            assert self.namespace is not None
            self.service_monitor = k8s.apiextensions.CustomResource(
                child_name(name, "dcgm-monitor"),
                api_version="monitoring.coreos.com/v1",
                kind="ServiceMonitor",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name="dcgm-exporter",
                    namespace=self.namespace.metadata.name,
                    labels=common_labels("dcgm-exporter", "gpu-metrics"),
                ),
                spec=dcgm_service_monitor_spec(cloud_exporter=args.facts.dcgm_exporter_installed),
                opts=self.child_opts(depends_on=monitor_after),
            )
        self.finish(
            {
                "namespace": self.namespace.metadata.name if self.namespace is not None else None,
                "operator_installed": self.release is not None,
            }
        )
