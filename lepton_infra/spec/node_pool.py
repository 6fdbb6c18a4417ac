"""Node pools: CPU or GPU, on-demand or spot, scaling between min and max."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lepton_infra.catalog import Cloud, Machine, choose_machine
from lepton_infra.core.spec_model import SpecModel
from lepton_infra.spec.base import GpuRequest, Name

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
        "the pool in one zone), for the lowest latency between nodes, at the risk of insufficient capacity "
        "errors when the group's spot is full. `any`: wherever the cloud has capacity. Default: compact "
        "on a fabric pool, any otherwise. No cost of its own.",
    )

    @property
    def is_gpu(self) -> bool:
        return self.gpu is not None

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
