"""Node pools: CPU or GPU, on-demand or spot, scaling between min and max."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lepton_infra.catalog import Cloud, Machine, choose_machine
from lepton_infra.core.spec_model import SpecModel
from lepton_infra.spec.base import GpuRequest, Name
from lepton_infra.spec.reservation import ReservationSpec

FabricMode = Literal["off", "auto"]
Placement = Literal["compact", "any"]


class NodePoolSpec(SpecModel):
    name: Name = Field(description="Pool name, unique in the platform.")
    gpu: GpuRequest | None = Field(default=None, description="GPUs per node. Omit for a CPU pool.")
    cpu: str | None = Field(
        default=None,
        description="CPU machine class for CPU pools: standard-4, standard-8 or standard-16. "
        "Default standard-4. Ignored for GPU pools.",
    )
    machine_type: str | None = Field(
        default=None,
        description="Explicit cloud machine type; wins over the catalog's choice. Must be a catalog "
        "machine with the requested GPU.",
    )
    min: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Minimum nodes. Default 0, so the pool costs nothing when idle (GPU pools scale "
        "from zero through the cluster autoscaler).",
    )
    max: int = Field(default=2, ge=1, le=1000, description="Maximum nodes. Default 2.")
    desired: int | None = Field(
        default=None,
        ge=0,
        description="Initial size; the autoscaler owns it after creation. Default: min.",
    )
    spot: bool = Field(
        default=False,
        description="Use spot/preemptible capacity (several machine types on AWS for diversity). "
        "Spot pools must have min 0. Default false.",
    )
    disk_gb: int = Field(
        default=100,
        ge=20,
        le=16384,
        description="Root/boot disk size in GiB, encrypted with the platform key. Default 100.",
    )
    image_streaming: bool | None = Field(
        default=None,
        description="Start containers while their image streams in, instead of after the whole image is "
        "pulled (the cold-start estimate counts it). GKE only: image streaming (`gcfsConfig`) on the pool "
        "and the Container File System API in the project; GKE streams images from Artifact Registry "
        "(`<region>-docker.pkg.dev/...`) and public Docker Hub and pulls any other image as before, so "
        "`true` is refused when a service this pool hosts has another image. No price of its own on GKE "
        "(the node's own network and disk carry it). EKS (SOCI) and AKS (artifact streaming) are refused: "
        "not wired at the pinned providers (docs/cold-start.md says why). Default: on for a GKE GPU pool "
        "hosting a service whose image streams, off otherwise.",
    )
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="Extra Kubernetes node labels: keys `[prefix/]name` and values "
        "as Kubernetes accepts them (name and value up to 63 letters, digits, `-`, `_`, `.`, starting and "
        "ending with a letter or digit; a DNS-subdomain prefix). Keys under kubernetes.io/ or k8s.io/ are "
        "refused (the kubelet will not set them, except under kubelet.kubernetes.io/ and "
        "node.kubernetes.io/), and so are the platform's own lepton.ai/pool, lepton.ai/gpu-type and "
        "nvidia.com/gpu.present. On AWS a key is at most 82 characters (it also becomes the cluster "
        "autoscaler's node-template ASG tag). Default none.",
    )

    reservation: ReservationSpec | None = Field(
        default=None,
        description="Reserved capacity the pool's nodes launch into (spec/reservation.py): an AWS On-Demand "
        "Capacity Reservation or Capacity Block for ML, a GCP specific reservation, an Azure capacity "
        "reservation group. Committed cost: billed whether nodes run or not. Default none (on-demand or "
        "spot capacity, whatever the zone has).",
    )

    topology_aware: bool = Field(
        default=False,
        description="Kueue topology-aware scheduling on this GPU pool's job flavor: a job asking for it "
        "(`kueue.x-k8s.io/podset-required-topology` or `-preferred-topology` on its pod template, naming a "
        "level such as `topology.k8s.aws/network-node-layer-3` or `cloud.google.com/gce-topology-block`) is "
        "admitted only where its pods fit one network domain (kubernetes/jobs/topology.py lists each "
        "cloud's levels; AKS has only the host level). Needs `jobs.enabled`. Also installs the multi-node "
        "job API, JobSet (kubernetes/jobs/jobset.py), integrated with Kueue: tenants submit JobSets "
        "with the `kueue.x-k8s.io/queue-name` label. Costs no node of its own: two JobSet controller "
        "replicas on the system pool request 1 vCPU and 256Mi together (the plan's system_pool_fit "
        "counts them). Nodes the cloud does not label (instance types outside EC2 instance topology, "
        "GKE machines without compact placement) are in no domain, so a job requiring one waits. On GKE "
        "a pool at min 0 must be in `gcp.queued_provisioning_pools` (Kueue asks GKE for nodes only "
        "through its ProvisioningRequests; refused otherwise). Default: off.",
    )

    fabric: FabricMode = Field(
        default="off",
        description="The GPU-to-GPU fabric between the pool's nodes, so multi-node NCCL does not run over "
        "plain TCP. `auto`: what the catalog lists for the pool's machine (catalog/data/fabric.yaml; AWS: 32 "
        "EFA devices on p5.48xlarge, a self-referencing all-traffic security group, the pool in one zone, "
        "the EFA device plugin). Refused on a machine without a fabric (the error names those that "
        "have one). Costs nothing by itself; the pool keeps its min (0: idle free). Default off.",
    )
    placement: Placement | None = Field(
        default=None,
        description="Where the pool's nodes land. `compact`: close together (AWS cluster placement group; "
        "GKE node pool placement policy COMPACT, on the machines GKE allows it for, not with a reservation, "
        "set only when the pool is created; the pool in one zone), for the lowest latency between nodes, at "
        "the risk of insufficient capacity errors when the group's spot is full. `any`: wherever the cloud "
        "has capacity. Default: compact "
        "on a fabric pool, any otherwise. No cost of its own.",
    )

    @property
    def is_gpu(self) -> bool:
        return self.gpu is not None

    @property
    def reserved_zone(self) -> str | None:
        """The zone a reserved pool's nodes must launch in (None: no reservation, or one without a zone)."""
        return self.reservation.zone if self.reservation is not None else None

    @property
    def capacity_rung(self) -> Literal["reserved", "on-demand", "spot"]:
        """Where the pool stands in a kind's fallback order (reserved, then on-demand, then spot): the AWS
        priority expander's priorities (aws/fallback.py) and GKE's ComputeClass priorities
        (gcp/compute_class.py)."""
        if self.reservation is not None:
            return "reserved"
        return "spot" if self.spot else "on-demand"

    @property
    def hosts_system_pods(self) -> bool:
        """CoreDNS, the cluster autoscaler, metrics-server and Prometheus tolerate neither the GPU taint nor
        spot reclaims, and a self-managed autoscaler cannot bring up the first node it would itself run on:
        they need a CPU pool, on-demand, with at least one node."""
        return self.gpu is None and not self.spot and self.min >= 1

    @property
    def compact(self) -> bool:
        """The pool's nodes go in one placement group (explicitly, or by default on a fabric pool)."""
        return self.placement == "compact" or (self.placement is None and self.fabric == "auto")

    def machine(self, cloud: Cloud, region: str | None) -> Machine:
        """The one machine choice for this pool: the catalog's cheapest machine with its GPUs (or CPU class)
        offered in `region` (None: in any region); an explicit `machine_type` wins. Raises `NoMachine`
        when none fits (the spec's rules report that before anything is resolved)."""
        return choose_machine(
            cloud,
            gpu=self.gpu.type if self.gpu else None,
            gpu_count=self.gpu.count if self.gpu else 1,
            cpu_class=self.cpu,
            explicit=self.machine_type,
            region=region,
        )
