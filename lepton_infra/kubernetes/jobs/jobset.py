"""`JobSet`: the multi-node job API (kubernetes-sigs/jobset, pinned Helm chart). A JobSet is a group of
Jobs (e.g. one per node of a distributed training run) created, failed and restarted together, with a
headless Service so its pods find each other; Kueue admits it as one workload (`jobset.x-k8s.io/jobset` in
its integrations, jobs/queues.py `manager_config`), all its pods on one flavor, and with topology-aware
scheduling in one network domain (jobs/topology.py).

Installed where a GPU pool is `topology_aware` (from_spec.py `job_queues_args`): that is the spec saying the
pool runs jobs spanning nodes. Elsewhere a multi-node job would land wherever capacity is, NCCL across
arbitrary network domains, and the controller would only cost its system-pool requests (500m CPU and
128Mi per replica, the chart's defaults; cost/system_pods.yaml) and a webhook that fails closed.

At the pinned chart (kubernetes-sigs/jobset v0.12.0 charts/jobset/, read 2026-12-07):
- the controller Deployment `<fullname>-controller` (templates/controller/deployment.yaml; fullname is the
  release name when it contains the chart name: templates/_helpers.tpl) reads no `priorityClassName`, and
  neither values.yaml nor the newest commit in the snapshot (08dfbdfd, 2026-08-18) has a key for it. The
  platform's class is set by a server-side-apply patch of that one field after the release
  (`priority_patch`): Helm's three-way merge on upgrade leaves a field neither its old nor its new
  manifest names, so the patch holds across chart upgrades. Until the patch lands (seconds after the
  release), the first pods run at priority 0.
- the webhook serves CREATE of jobsets (mutating) and CREATE/UPDATE (validating), and CREATE of pods
  carrying `jobset.sigs.k8s.io/jobset-name` only (templates/webhook/manifests.yaml; failurePolicy unset,
  so Fail): with the controller down no JobSet and no JobSet pod starts, nothing else. Two replicas with
  leader election and a PodDisruptionBudget keep it up through a node drain. Its certificate is the
  controller's own (`internalCertManagement.enable` is `not certManager.enable`: templates/controller/
  configmap.yaml; the chart's empty Secret, templates/internalcert/secret.yaml, is filled and rotated by
  the controller), so it needs no cert-manager. It listens on 9443 (the GKE control plane's webhook
  firewall already admits it: gcp/network.py).
- the pods run non-root, read-only root, no capabilities, RuntimeDefault seccomp (values.yaml
  `controller.podSecurityContext`, `controller.securityContext`): Pod Security `restricted` holds.
- the JobSet CRD is under crds/ (install-only: core/data/chart_support.yaml).
Kueue's side needs no RBAC of ours: its manager ClusterRole covers jobsets, their status and finalizers
whatever the integrations (kubernetes-sigs/kueue v0.19.2 charts/kueue/templates/rbac/role.yaml).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.conventions import JOBSET_NAMESPACE, POOL_LABEL
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.checks import kubernetes_version_problems
from lepton_infra.kubernetes.charts.helm import pinned_release
from lepton_infra.kubernetes.charts.pinned import JOBSET, HelmChart
from lepton_infra.kubernetes.meta import common_labels, namespace, psa_labels
from lepton_infra.kubernetes.priority import PLATFORM_PRIORITY

# Two controllers, one leader: the webhook (which every JobSet and its pods pass, failing closed) stays up.
JOBSET_REPLICAS = 2


def controller_deployment(chart: HelmChart) -> str:
    """The controller Deployment's name: `<fullname>-controller`, fullname the release name when it holds
    the chart's name (templates/_helpers.tpl `jobset.fullname`, controller/_helpers.tpl)."""
    fullname = chart.release if chart.chart in chart.release else f"{chart.release}-{chart.chart}"
    return f"{fullname}-controller"


@dataclass
class JobSetArgs(ComponentArgs):
    kubernetes_version: str
    """The cluster's minor (`1.35`): the namespace's Pod Security Admission version, and a minor the chart
    must support."""
    system_pool: str | None = None
    """The on-demand CPU pool the controller runs on (system workloads). Default: wherever it fits."""
    depends_on: Sequence[pulumi.Resource] = ()
    """What the controller's pods need first (node pools, the `lepton-platform` PriorityClass), passed to
    the release and the priority patch. Default: none."""
    chart: HelmChart = field(default_factory=lambda: JOBSET)
    """The JobSet chart to install. Default: the pinned one (kubernetes/charts/pinned.py)."""

    def problems(self) -> list[Problem]:
        return list(kubernetes_version_problems(self.kubernetes_version, {"chart": self.chart}))


def jobset_values(args: JobSetArgs) -> dict[str, object]:
    controller: dict[str, object] = {
        "replicas": JOBSET_REPLICAS,
        "podDisruptionBudget": {"enabled": True, "minAvailable": 1},
    }
    if args.system_pool:
        controller["nodeSelector"] = {POOL_LABEL: args.system_pool}
    return {"controller": controller}


def priority_patch_spec() -> k8s.apps.v1.DeploymentSpecPatchArgs:
    """The one field the patch owns: the pod template's priority class."""
    return k8s.apps.v1.DeploymentSpecPatchArgs(
        template=k8s.core.v1.PodTemplateSpecPatchArgs(
            spec=k8s.core.v1.PodSpecPatchArgs(priority_class_name=PLATFORM_PRIORITY.name)
        )
    )


class JobSet(Component):
    TOKEN = "lepton:k8s:JobSet"

    def __init__(self, name: str, args: JobSetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        self.namespace = namespace(
            child_name(name, "namespace"),
            JOBSET_NAMESPACE,
            {
                **common_labels("jobset", "multi-node-jobs"),
                **psa_labels("restricted", args.kubernetes_version),
            },
            self.child_opts(),
        )
        self.release = pinned_release(
            child_name(name, "controller"),
            args.chart,
            self.namespace.metadata.name,
            jobset_values(args),
            self.child_opts(depends_on=list(args.depends_on)),
        )
        # The chart has no priority key (module docstring): the platform's class by a patch of that field.
        self.priority = k8s.apps.v1.DeploymentPatch(
            child_name(name, "priority"),
            metadata=k8s.meta.v1.ObjectMetaPatchArgs(
                name=controller_deployment(args.chart), namespace=self.namespace.metadata.name
            ),
            spec=priority_patch_spec(),
            opts=self.child_opts(depends_on=[self.release, *args.depends_on]),
        )
        self.finish({"namespace": self.namespace.metadata.name})
