"""`ClusterHandle`: what the in-cluster layer needs to know about a cluster, from whichever cloud.

The Kubernetes layer sees a cloud only through this: a provider, facts that decide which GPU pieces to
install, and an identity binder that gives a Kubernetes service account a cloud identity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from lepton_infra.core.identity import IdentityBinder
from lepton_infra.core.traffic import IngressFacts


@dataclass(frozen=True)
class ExporterPods:
    """Where a cloud-run metrics exporter's pods are, so the platform's Prometheus can scrape them."""

    namespace: str
    pod_labels: Mapping[str, str]
    port: str  # the name of the container port serving metrics
    path: str = "/metrics"
    # The metric families it exports; alerts on any other are left out. Empty: not known, all kept.
    metrics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NodeTaint:
    """A taint the cloud puts on nodes by itself (not one of ours from core/conventions.py)."""

    key: str
    value: str
    effect: str
    # The cloud puts it on spot (preemptible) nodes only (AKS: kubernetes.azure.com/scalesetpriority=
    # spot): what runs on on-demand pools only does not tolerate it.
    spot_only: bool = False

    def toleration(self) -> dict[str, str]:
        return {"key": self.key, "operator": "Equal", "value": self.value, "effect": self.effect}


@dataclass(frozen=True)
class GpuFacts:
    """What the cloud already provides on its GPU nodes; the GPU stack installs only the rest."""

    driver_installed: bool
    device_plugin_installed: bool
    dcgm_exporter_installed: bool = False
    # Where the cloud's own DCGM exporter runs (with dcgm_exporter_installed): scraped by a PodMonitor.
    dcgm_exporter: ExporterPods | None = None
    # Taints the cloud adds by itself to some GPU nodes (AKS spot pools:
    # kubernetes.azure.com/scalesetpriority=spot:NoSchedule). GPU services and the GPU operator's
    # daemonsets tolerate them, or they would never land on those nodes.
    cloud_taints: tuple[NodeTaint, ...] = ()
    # The RuntimeClass handler the node image's containerd has for GPU containers, when the cloud installs
    # the driver and the container toolkit itself (AKS: `nvidia-container-runtime`). The GPU operator's
    # operands run with it. None: the operator's default, `nvidia`, which its own toolkit creates.
    runtime_class: str | None = None
    # The node labels the cloud puts on GPU nodes for their place in its network, broadest first, ending with
    # `kubernetes.io/hostname`: the levels of the Kueue Topology of topology-aware pools
    # (kubernetes/jobs/topology.py). Default: the host level alone.
    network_topology: tuple[str, ...] = ("kubernetes.io/hostname",)

    def tolerations(self, *, spot: bool) -> list[dict[str, str]]:
        """What a GPU pod tolerates of the cloud's own taints: all of them where it may land on a spot
        pool (`spot`), else only those the cloud puts on on-demand nodes too."""
        return [t.toleration() for t in self.cloud_taints if spot or not t.spot_only]


# The upstream cluster autoscaler's ProvisioningRequest class that scales a node group up by a request's
# whole delta in one step (kubernetes/autoscaler cluster-autoscaler FAQ, "Supported ProvisioningClasses").
BEST_EFFORT_ATOMIC_SCALE_UP = "best-effort-atomic-scale-up.autoscaling.x-k8s.io"


@dataclass(frozen=True)
class CapacityProvisioning:
    """The cluster's autoscaler serves ProvisioningRequests (autoscaling.x-k8s.io/v1) of one class: Kueue
    then asks it for a GPU job's nodes all together before admitting the job, instead of admitting on
    quota alone and letting the pods find out the capacity is not there."""

    provisioning_class: (
        str  # e.g. best-effort-atomic-scale-up.autoscaling.x-k8s.io, queued-provisioning.gke.io
    )
    # The GPU pools it provisions for; None: every GPU pool. Flavors of other pools are admitted on quota.
    pools: frozenset[str] | None = None
    # What Kueue's controller waits for (the ProvisioningRequest CRD, the autoscaler serving it): Kueue
    # sets its provisioning controller up only if the API is served when it starts.
    ready: Sequence[pulumi.Resource] = ()
    # Taints the cloud puts on the nodes it provisions for a request (GKE queued provisioning:
    # cloud.google.com/gke-queued=true:NoSchedule). Kueue builds the request's pod template from the job
    # plus its flavor's node labels and tolerations, so the provisioned flavors tolerate these, or the
    # request asks for nodes its own pods cannot use.
    node_taints: tuple[NodeTaint, ...] = ()
    # Whether the autoscaler delivers a request's nodes all together or none (the cloud provider implements
    # AtomicIncreaseSize, or the cloud allocates the whole request at once). False: the nodes are asked for
    # in one step and the job is admitted then, but what the cloud cannot deliver is not rolled back: the
    # job may start on part of its nodes until Kueue's waitForPodsReady evicts it. Stated on the
    # ProvisioningRequestConfig (`lepton.ai/scale-up`), never claimed where it does not hold.
    all_or_nothing: bool = False


@dataclass(frozen=True)
class EgressRule:
    """An egress a tenant's pods need beyond the cluster (e.g. the metadata server for workload identity)."""

    cidr: str
    port: int
    protocol: str = "TCP"


@dataclass(frozen=True)
class SharedVolume:
    """One tenant's directory of the platform's shared filesystem, as a CSI PersistentVolume mounts it
    (the cloud's driver, the handle and attributes that name the directory)."""

    driver: str  # the CSI driver's name, e.g. fsx.csi.aws.com
    volume_handle: pulumi.Input[str]  # unique per tenant (Kubernetes keys a mount on driver + handle)
    attributes: Mapping[str, pulumi.Input[str]]  # the PV's `csi.volumeAttributes`
    capacity_gib: int  # the filesystem's capacity (a PV's capacity is informational for these drivers)
    mount_options: tuple[str, ...] = ()
    # What must exist before a pod can mount it: the CSI driver's node plugin, the tenant's directory.
    ready: Sequence[pulumi.Resource] = ()


@dataclass(frozen=True)
class ModelStoreFacts:
    """How the cloud reads a model from its prefix of the model bucket (`models[].cache: bucket-mount`):
    the CSI driver mounting it, and the identity that may write the prefix (the hydration Job's)."""

    driver: str  # the CSI driver's name, e.g. s3.csi.aws.com
    bind_writer: IdentityBinder  # a role reading and writing new objects under a prefix, for one SA
    # What must exist before a pod can mount it: the CSI driver (its EKS add-on).
    ready: Sequence[pulumi.Resource] = ()


@dataclass(frozen=True)
class ClusterHandle:
    cloud: str
    name: pulumi.Output[str]
    kubernetes_version: str
    kubeconfig: pulumi.Output[str]  # a Pulumi secret
    provider: pulumi.ProviderResource  # pulumi_kubernetes.Provider
    gpu: GpuFacts
    bind_identity: IdentityBinder
    storage_class: str = "standard"
    # Resources anything that runs pods must wait for (node groups, cluster DNS, the storage class).
    workload_dependencies: Sequence[pulumi.Resource] = ()
    # What workloads with persistent volumes also wait for (the CSI driver and the storage class):
    # only Prometheus/Alertmanager here, so nothing else waits for storage.
    storage_dependencies: Sequence[pulumi.Resource] = ()
    # What workloads that need new nodes also wait for (a self-managed cluster autoscaler). Kept apart so
    # system releases (monitoring, GPU operator) do not wait for it needlessly.
    scale_up_dependencies: Sequence[pulumi.Resource] = ()
    # Cloud-managed pieces already running (e.g. the cluster autoscaler on GKE is built in).
    managed_autoscaler: bool = False
    # The cluster already serves the resource metrics API (metrics.k8s.io) that CPU-based HPAs read: GKE
    # and AKS run metrics-server themselves (set True there); on EKS the in-cluster layer installs it.
    metrics_server_installed: bool = False
    # The dataplane enforces NetworkPolicy objects (EKS: vpc-cni with enableNetworkPolicy; GKE: Dataplane
    # V2; AKS: Cilium). The in-cluster layer renders NetworkPolicies only where this is True.
    network_policy_enforced: bool = False
    # Egress every tenant pod needs for the cloud's workload identity (GKE metadata server, EKS Pod
    # Identity agent, ...); tenant default-deny egress opens exactly these.
    identity_egress: Sequence[EgressRule] = ()
    # Pods with priority class system-node-critical / system-cluster-critical are admitted only in
    # namespaces holding a ResourceQuota scoped to those classes (GKE). The in-cluster layer then creates
    # that quota in every namespace where it runs such pods.
    critical_priority_needs_quota: bool = False
    # Where the platform lives and keeps its artifacts (the cloud's region; the model bucket, as the
    # `model_bucket` stack output names it; the registry images are pulled from). None: not known
    # (a handle made by hand for a cluster this library did not build).
    region: str | None = None
    model_bucket: pulumi.Input[str] | None = None
    registry_url: pulumi.Input[str] | None = None
    # Kueue's all-or-nothing scale-up for GPU jobs; None: the autoscaler serves no ProvisioningRequests,
    # and queued jobs are admitted on quota alone.
    capacity_provisioning: CapacityProvisioning | None = None
    # The cluster's DNS server, whose metrics Prometheus scrapes: "coredns" (EKS, AKS: CoreDNS serving
    # :9153) or "kube-dns" (GKE's default: kube-dns serving :10054 and :10055). Scraping the one that does
    # not run leaves a target down for good (a permanent TargetDown alert).
    cluster_dns: str = "coredns"
    # How the cloud's load balancers reach services (core/traffic.py). None: the cluster offers none, and
    # a spec exposing a service is refused for it.
    ingress: IngressFacts | None = None
    # The shared filesystem's directory per tenant name (`filesystem.enabled`); empty: no shared filesystem.
    shared_volumes: Mapping[str, SharedVolume] = field(default_factory=dict)
    # The model bucket mount, where a model uses it (its CSI driver installed); None: not offered here.
    model_store: ModelStoreFacts | None = None
