"""What a node leaves to pods: its capacity less the cloud's kube-reserved CPU and memory and the kubelet's
hard eviction threshold, by each provider's documented formula. Read 2026-12-07:

- GKE: cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes ("Memory and CPU reservations"):
  CPU 6% of the first core, 1% of the next, 0.5% of the next 2, 0.25% above 4; memory 25% of the first
  4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above 128; eviction 100 MiB.
- EKS (AL2023 nodes, the node groups' AMI): the same CPU tiers; memory 11 MiB per pod the node may run
  plus 255 MiB; eviction 100 MiB (aws/karpenter-provider-aws pkg/providers/instancetype/types.go, which
  computes what the EKS AMI's bootstrap sets, mirror of 2026-12). Max pods per node follow the instance's
  ENIs without prefix delegation: ENIs × (IPv4 per ENI − 1) + 2 (the VPC CNI's formula).
- AKS 1.29+: MicrosoftDocs/azure-aks-docs articles/aks/node-resource-reservations.md (commit of
  2026-08-21): CPU by core count (60, 100, 140, 180, 260, 420, 740 millicores for 1-64 cores); memory the
  lesser of 20 MB per max pod + 50 MB and 25% of the memory; eviction 100 Mi. Max pods: 250 by default
  with Azure CNI Overlay (articles/aks/concepts-network-ip-address-planning.md), which the platform uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from lepton_infra.catalog import Cloud
from lepton_infra.catalog.machines import Machine

MIB_PER_GIB = 1024
EVICTION_MIB = 100
AKS_MAX_PODS = 250
# EC2 instance -> pods per node with the VPC CNI's default (no prefix delegation): ENIs x (IPv4 per ENI - 1)
# + 2, from the instance's ENI limits (EC2 instance-type network specifications).
EKS_MAX_PODS = {
    "m6i.large": 29,
    "m6i.xlarge": 58,
    "m6i.2xlarge": 58,
    "m6i.4xlarge": 234,
}
AKS_CPU_RESERVED_M = {1: 60, 2: 100, 4: 140, 8: 180, 16: 260, 32: 420, 64: 740}


@dataclass(frozen=True)
class Allocatable:
    cpu_m: int  # millicores
    memory_mib: int
    max_pods: int | None  # None: more than the platform could place (GKE 110, AKS 250)


def _tiered(total: float, tiers: tuple[tuple[float, float], ...], rest: float) -> float:
    """Sum of `rate` over each tier's `size` of `total`, then `rest` over what is left."""
    reserved, left = 0.0, total
    for size, rate in tiers:
        part = min(left, size)
        reserved += part * rate
        left -= part
    return reserved + left * rest


def _cpu_reserved_gke_eks(vcpu: int) -> float:
    return _tiered(vcpu * 1000.0, ((1000, 0.06), (1000, 0.01), (2000, 0.005)), 0.0025)


def allocatable(cloud: Cloud, machine: Machine) -> Allocatable:
    memory = machine.memory_gib * MIB_PER_GIB
    if cloud == "gcp":
        reserved = _tiered(
            memory, ((4 * 1024, 0.25), (4 * 1024, 0.20), (8 * 1024, 0.10), (112 * 1024, 0.06)), 0.02
        )
        return Allocatable(
            int(machine.vcpu * 1000 - _cpu_reserved_gke_eks(machine.vcpu)),
            int(memory - reserved - EVICTION_MIB),
            110,
        )
    if cloud == "aws":
        pods = EKS_MAX_PODS.get(machine.name)
        reserved = 11 * (pods or 110) + 255
        return Allocatable(
            int(machine.vcpu * 1000 - _cpu_reserved_gke_eks(machine.vcpu)),
            int(memory - reserved - EVICTION_MIB),
            pods,
        )
    cores = min((c for c in AKS_CPU_RESERVED_M if c >= machine.vcpu), default=64)
    reserved = min(20 * AKS_MAX_PODS + 50, 0.25 * memory)  # MB taken as MiB: the lower figure, conservative
    return Allocatable(
        machine.vcpu * 1000 - AKS_CPU_RESERVED_M[cores], int(memory - reserved - EVICTION_MIB), AKS_MAX_PODS
    )
