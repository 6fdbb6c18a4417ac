"""`Kueue`: the job queueing controller (pinned Helm chart), a ResourceFlavor per node pool kind, the
workload priority classes, the capacity admission check where the cluster autoscaler serves
ProvisioningRequests, and per tenant a ClusterQueue in one cohort, a LocalQueue and a Role over jobs and
queues. Installed only when the spec enables jobs; the shapes are in `queues.py` and
`admission.py`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s
import yaml
from pulumi_kubernetes._utilities import get_version as k8s_version

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.conventions import KUEUE_NAMESPACE, MONITORING_NAMESPACE, POOL_LABEL
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.checks import kubernetes_version_problems
from lepton_infra.kubernetes.charts.hardening import merged
from lepton_infra.kubernetes.charts.helm import pinned_release
from lepton_infra.kubernetes.charts.pinned import KUEUE, HelmChart
from lepton_infra.kubernetes.charts.priority_values import KUEUE_PRIORITY
from lepton_infra.kubernetes.jobs.admission import (
    CAPACITY_CHECK,
    WORKLOAD_PRIORITIES,
    admission_check_spec,
    provisioning_config_spec,
    scale_up_annotations,
    workload_priority_class,
)
from lepton_infra.kubernetes.jobs.alerts import RULE_GROUP, job_rule_spec
from lepton_infra.kubernetes.jobs.dashboard import queue_dashboard_json
from lepton_infra.kubernetes.jobs.queues import (
    CAPACITY_LABEL,
    JOBS_ROLE,
    KUEUE_API,
    LOCAL_QUEUE,
    Flavor,
    TenantQueue,
    cluster_queue_spec,
    local_queue_spec,
    manager_config,
    resource_flavor_spec,
    tenant_jobs_rules,
)
from lepton_infra.kubernetes.jobs.topology import HOSTNAME, TOPOLOGY_NAME, topology_spec
from lepton_infra.kubernetes.meta import TENANT_LABEL, common_labels, namespace, psa_labels
from lepton_infra.kubernetes.observability.observability import GRAFANA_DASHBOARD_LABEL


@dataclass
class TenantQueueWiring:
    queue: TenantQueue
    namespace: pulumi.Input[str]  # the tenant's Namespace output: its LocalQueue and Role wait for it
    admin_groups: Sequence[str] = ()


@dataclass
class KueueArgs(ComponentArgs):
    kubernetes_version: str
    """The cluster's minor (`1.33`): the namespace's Pod Security Admission version, and a minor the Kueue
    chart must support."""
    flavors: Sequence[Flavor]
    """One ResourceFlavor per node pool kind (`flavors_for`): the CPU flavor and one per GPU pool, with
    the pool's labels and tolerations."""
    tenants: Sequence[TenantQueueWiring] = ()
    """Per tenant its queue (quota, borrowing, preemption), its namespace and the groups bound to its jobs
    Role: a ClusterQueue in the shared cohort, a LocalQueue and the Role each. Default: none, the
    controller alone."""
    system_pool: str | None = None
    """The on-demand CPU pool the controller runs on (system workloads). Default: wherever it fits."""
    depends_on: Sequence[pulumi.Resource] = ()
    """What the controller's pods need first (node pools, the `lepton-platform` PriorityClass), passed to
    the release: a component's `depends_on` does not reach the children it creates. Default: none."""
    monitoring_crds: Sequence[pulumi.Resource] = ()
    """The release owning the ServiceMonitor and PrometheusRule CRDs (kube-prometheus-stack), which the
    controller's scrape, alerts and dashboard wait for. Default: none."""
    provisioning_class: str | None = None
    """The ProvisioningRequest class the cluster autoscaler serves (`ClusterHandle.capacity_provisioning`):
    flavors marked `provisioned` get the capacity admission check, so a job is admitted once its nodes
    exist together. Default: none, no check; jobs are admitted on quota alone."""
    provisioning_ready: Sequence[pulumi.Resource] = ()
    """What the controller must start after (the ProvisioningRequest API being served), else Kueue skips
    its provisioning controller and the check never turns Ready. Default: none."""
    provisioning_all_or_nothing: bool = False
    """Whether that autoscaler delivers a request's nodes all or none (CapacityProvisioning.all_or_nothing),
    stated on the ProvisioningRequestConfig. Default: False (best effort)."""
    topology_levels: Sequence[str] = ()
    """Node labels of the Kueue `Topology` the flavors with a `topology` name, broadest first and
    `kubernetes.io/hostname` last if at all (jobs/topology.py). Default: none, no Topology object."""
    jobsets: bool = False
    """The JobSet API is installed (jobs/jobset.py; its release belongs in `depends_on`, so its CRD exists
    before Kueue starts): Kueue integrates `jobset.x-k8s.io/jobset` and the tenants' jobs Role covers
    JobSets. Default: off, Jobs only."""
    chart: HelmChart = field(default_factory=lambda: KUEUE)
    """The Kueue chart to install. Default: the pinned one (kubernetes/charts/pinned.py)."""

    def problems(self) -> Iterator[Problem]:
        yield from kubernetes_version_problems(self.kubernetes_version, {"chart": self.chart})
        provisioned = [f.name for f in self.flavors if f.provisioned]
        if provisioned and not self.provisioning_class:
            yield Problem(
                "provisioning_class",
                self.provisioning_class,
                f"flavors {', '.join(provisioned)} are marked provisioned, and the capacity check needs the "
                "ProvisioningRequest class the cluster autoscaler serves",
                "pass the class (ClusterHandle.capacity_provisioning), or leave the flavors unprovisioned",
            )
        named = sorted({f.topology for f in self.flavors if f.topology})
        if named and (named != [TOPOLOGY_NAME] or not self.topology_levels):
            yield Problem(
                "topology_levels",
                list(self.topology_levels),
                f"flavors name the topologies {', '.join(named)}; the one Topology made here is "
                f"{TOPOLOGY_NAME!r}, from these levels",
                f"name {TOPOLOGY_NAME!r} on the flavors and give its levels (jobs/topology.py)",
            )
        if self.topology_levels and HOSTNAME in self.topology_levels[:-1]:
            yield Problem(
                "topology_levels",
                list(self.topology_levels),
                f"{HOSTNAME} may only be the last level (Kueue's Topology CRD)",
                "move it last",
            )
        gpu_pools = {f.pool for f in self.flavors if f.gpu_type and f.pool}
        seen: set[str] = set()
        for i, wiring in enumerate(self.tenants):
            tenant = wiring.queue.tenant
            if tenant in seen:
                yield Problem(
                    f"tenants[{i}].queue.tenant",
                    tenant,
                    "a second queue for the tenant",
                    "give one per tenant",
                )
            seen.add(tenant)
            unknown = sorted(set(wiring.queue.gpu_quota) - gpu_pools)
            if unknown:
                yield Problem(
                    f"tenants[{i}].queue.gpu_quota",
                    dict(wiring.queue.gpu_quota),
                    f"names pools no GPU flavor has ({', '.join(unknown)}): their quota would be ignored",
                    f"use the GPU pools' names ({', '.join(sorted(gpu_pools)) or 'none'})",
                )


def kueue_values(args: KueueArgs) -> dict[str, object]:
    manager: dict[str, object] = {
        # Two replicas with leader election: the admission webhook (which every Job in a tenant namespace
        # passes, failing closed) stays up through a node drain.
        "replicas": 2,
        "podDisruptionBudget": {"enabled": True, "minAvailable": 1},
    }
    if args.system_pool:
        manager["nodeSelector"] = {POOL_LABEL: args.system_pool}
    values = {
        "controllerManager": manager,
        "managerConfig": {
            "controllerManagerConfigYaml": yaml.safe_dump(
                manager_config(TENANT_LABEL, args.jobsets), sort_keys=True
            )
        },
        # The chart's ServiceMonitor (https, Prometheus's own token; Kueue authorizes the scrape as a GET
        # on the /metrics non-resource URL, which kube-prometheus-stack's Prometheus ClusterRole grants:
        # templates/prometheus/clusterrole.yaml at kube-prometheus-stack-88.5.3, `nonResourceURLs:
        # /metrics`, read 2026-12-07), picked up by the platform's Prometheus.
        "enablePrometheus": True,
        "metrics": {"prometheusNamespace": MONITORING_NAMESPACE},
    }
    return merged(values, KUEUE_PRIORITY)


class SpeclessCustomResource(pulumi.CustomResource):
    """A custom resource whose fields sit at the top level, beside `metadata` (Kueue's
    WorkloadPriorityClass: `value`, `description`): pulumi_kubernetes' Python `CustomResource` takes a
    `spec` only. Same resource type token and provider as `CustomResource`."""

    def __init__(
        self,
        name: str,
        api_version: str,
        kind: str,
        metadata: k8s.meta.v1.ObjectMetaArgs,
        fields: Mapping[str, object],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"apiVersion": api_version, "kind": kind, "metadata": metadata, **fields}
        super().__init__(
            f"kubernetes:{api_version}:{kind}",
            name,
            props,
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(version=k8s_version())),
        )


class Kueue(Component):
    TOKEN = "lepton:k8s:Kueue"

    def __init__(self, name: str, args: KueueArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        # The chart's pods run as non-root, read-only, no capabilities, RuntimeDefault seccomp.
        self.namespace = namespace(
            child_name(name, "namespace"),
            KUEUE_NAMESPACE,
            {**common_labels("kueue", "job-queueing"), **psa_labels("restricted", args.kubernetes_version)},
            self.child_opts(),
        )
        # The chart's templates own the CRDs; every queue object below waits for the release (atomic:
        # the webhook is serving once it is done).
        self.release = pinned_release(
            child_name(name, "controller"),
            args.chart,
            self.namespace.metadata.name,
            kueue_values(args),
            self.child_opts(depends_on=[*args.depends_on, *args.monitoring_crds, *args.provisioning_ready]),
        )
        # Next to the GPU rules' kind; Prometheus reads rules from every namespace.
        self.rules = k8s.apiextensions.CustomResource(
            child_name(name, "rules"),
            api_version="monitoring.coreos.com/v1",
            kind="PrometheusRule",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=RULE_GROUP,
                namespace=self.namespace.metadata.name,
                labels=common_labels(RULE_GROUP, "alerts"),
            ),
            spec=job_rule_spec(),
            opts=self.child_opts(depends_on=list(args.monitoring_crds)),
        )
        # Beside the GPU dashboard: Grafana's sidecar reads dashboards from its own namespace only (the
        # chart's `sidecar.dashboards.searchNamespace` is left unset). The namespace is the release's.
        self.dashboard = k8s.core.v1.ConfigMap(
            child_name(name, "dashboard"),
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name="lepton-job-queues-dashboard",
                namespace=MONITORING_NAMESPACE,
                labels={
                    **common_labels("lepton-job-queues-dashboard", "dashboards"),
                    GRAFANA_DASHBOARD_LABEL: "1",
                },
            ),
            data={"lepton-job-queues.json": queue_dashboard_json()},
            opts=self.child_opts(depends_on=list(args.monitoring_crds)),
        )
        after = self.child_opts(depends_on=[self.release])
        # Topology-aware scheduling: the Topology exists before the flavors naming it (jobs/topology.py).
        self.topology: k8s.apiextensions.CustomResource | None = None
        flavor_opts = after
        if any(f.topology for f in args.flavors):
            self.topology = k8s.apiextensions.CustomResource(
                child_name(name, "topology"),
                api_version=KUEUE_API,
                kind="Topology",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=TOPOLOGY_NAME, labels=common_labels("kueue", "topology")
                ),
                spec=topology_spec(tuple(args.topology_levels)),
                opts=after,
            )
            flavor_opts = self.child_opts(depends_on=[self.release, self.topology])
        self.flavors: dict[str, k8s.apiextensions.CustomResource] = {
            f.name: k8s.apiextensions.CustomResource(
                child_name(name, f"flavor-{f.name}"),
                api_version=KUEUE_API,
                kind="ResourceFlavor",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=f.name,
                    labels={
                        **common_labels("kueue", "resource-flavor"),
                        CAPACITY_LABEL: f.capacity,
                        **({POOL_LABEL: f.pool} if f.pool else {}),
                    },
                ),
                spec=resource_flavor_spec(f),
                opts=flavor_opts,
            )
            for f in args.flavors
        }
        self.priority_classes = {
            p.name: SpeclessCustomResource(
                child_name(name, f"priority-{p.name}"),
                KUEUE_API,
                "WorkloadPriorityClass",
                k8s.meta.v1.ObjectMetaArgs(name=p.name, labels=common_labels("kueue", "priority")),
                workload_priority_class(p),
                opts=after,
            )
            for p in WORKLOAD_PRIORITIES
        }
        self.admission_check: k8s.apiextensions.CustomResource | None = None
        checked: list[pulumi.Resource] = []
        if args.provisioning_class and any(f.provisioned for f in args.flavors):
            check_meta = k8s.meta.v1.ObjectMetaArgs(
                name=CAPACITY_CHECK, labels=common_labels("kueue", "admission-check")
            )
            config = k8s.apiextensions.CustomResource(
                child_name(name, "provisioning-config"),
                api_version=KUEUE_API,
                kind="ProvisioningRequestConfig",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=CAPACITY_CHECK,
                    labels=common_labels("kueue", "admission-check"),
                    annotations=scale_up_annotations(args.provisioning_all_or_nothing),
                ),
                spec=provisioning_config_spec(args.provisioning_class),
                opts=after,
            )
            self.admission_check = k8s.apiextensions.CustomResource(
                child_name(name, "capacity-check"),
                api_version=KUEUE_API,
                kind="AdmissionCheck",
                metadata=check_meta,
                spec=admission_check_spec(),
                opts=self.child_opts(depends_on=[self.release, config]),
            )
            checked = [self.admission_check]
        flavors_ready = self.child_opts(depends_on=[self.release, *self.flavors.values(), *checked])
        self.cluster_queues: dict[str, k8s.apiextensions.CustomResource] = {}
        self.local_queues: dict[str, k8s.apiextensions.CustomResource] = {}
        self.roles: dict[str, k8s.rbac.v1.Role] = {}
        for wiring in args.tenants:
            tenant = wiring.queue.tenant
            labels = {**common_labels(tenant, "job-queue"), TENANT_LABEL: tenant}
            cq = k8s.apiextensions.CustomResource(
                child_name(name, f"queue-{tenant}"),
                api_version=KUEUE_API,
                kind="ClusterQueue",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=tenant, labels=labels),
                spec=cluster_queue_spec(wiring.queue, args.flavors),
                opts=flavors_ready,
            )
            self.cluster_queues[tenant] = cq

            def meta(
                object_name: str,
                ns: pulumi.Input[str] = wiring.namespace,
                object_labels: Mapping[str, str] = labels,
            ) -> k8s.meta.v1.ObjectMetaArgs:
                return k8s.meta.v1.ObjectMetaArgs(name=object_name, namespace=ns, labels=dict(object_labels))

            self.local_queues[tenant] = k8s.apiextensions.CustomResource(
                child_name(name, f"local-queue-{tenant}"),
                api_version=KUEUE_API,
                kind="LocalQueue",
                metadata=meta(LOCAL_QUEUE),
                spec=local_queue_spec(tenant),
                opts=self.child_opts(depends_on=[self.release, cq]),
            )
            if wiring.admin_groups:
                self.roles[tenant] = k8s.rbac.v1.Role(
                    child_name(name, f"jobs-role-{tenant}"),
                    metadata=meta(JOBS_ROLE),
                    rules=tenant_jobs_rules(args.jobsets),  # type: ignore[arg-type]
                    opts=self.child_opts(),
                )
                k8s.rbac.v1.RoleBinding(
                    child_name(name, f"jobs-binding-{tenant}"),
                    metadata=meta(JOBS_ROLE),
                    role_ref=k8s.rbac.v1.RoleRefArgs(
                        api_group="rbac.authorization.k8s.io", kind="Role", name=JOBS_ROLE
                    ),
                    subjects=[
                        k8s.rbac.v1.SubjectArgs(
                            kind="Group", name=group, api_group="rbac.authorization.k8s.io"
                        )
                        for group in wiring.admin_groups
                    ],
                    opts=self.child_opts(),
                )
        self.finish(
            {
                "namespace": self.namespace.metadata.name,
                "local_queues": {t: LOCAL_QUEUE for t in self.local_queues},
            }
        )
