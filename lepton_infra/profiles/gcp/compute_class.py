"""Capacity fallback on GKE (`gcp.capacity_fallback`): reserved capacity first, then on-demand, then spot,
through a GKE custom ComputeClass per GPU machine shape. Pure: no provider SDK (the spec rules and the
platform both read it; gcp/compute_class.py creates the objects).

What GKE documents and its CRD enforces (stored copies read 2026-12-08):
- GKE "About custom ComputeClasses" (cloud.google.com/kubernetes-engine/docs/concepts/
  about-custom-compute-classes): custom ComputeClasses work in Standard clusters from 1.30.3-gke.1451000;
  a ComputeClass lists priorities GKE follows in order when it scales up for a pod that selects the class
  (node selector `cloud.google.com/compute-class: <class>`; GKE adds the matching toleration to such a
  pod), falling to the next when one cannot be satisfied; section "manual-node-pools": a manually created
  node pool joins a class through the node label `cloud.google.com/compute-class=<class>` and the taint
  `cloud.google.com/compute-class=<class>:NoSchedule`. "Control autoscaled node attributes with custom
  ComputeClasses" (how-to/node-attributes-compute-classes): a class's name may not begin with `gke` or
  `autopilot`; a Standard cluster needs node auto-provisioning or at least one autoscaled pool (every
  platform pool is). "Best practices for ComputeClasses": a priority rule
  `nodepools: [...]` prefers named, manually created pools (e.g. pools holding reservations).
- The ComputeClass CRD schema (cloud.google.com/v1; datreeio/CRDs-catalog@2b29511:
  cloud.google.com/computeclass_v1.json): `priorities[].nodepools` ("preference of specific, preexisting
  nodepools"), `nodePoolAutoCreation.enabled` (default false), `activeMigration.optimizeRulePriority`
  (default false), `whenUnsatisfiable` (required, ScaleUpAnyway | DoNotScaleUp, default DoNotScaleUp).

Why these settings: the platform's pools are made by the platform, so the class never auto-creates pools
(node auto-provisioning is off on the platform's clusters) and never scales a pool outside its list
(DoNotScaleUp); active migration stays off, since it would evict a training job's pods to move them back
to a higher rung. A reserved pool's own reservation affinity (SPECIFIC_RESERVATION, gcp/node_pool.py)
is what makes its nodes consume the reservation; its rung here only orders it first. Queued-provisioning
pools scale for ProvisioningRequests only and stay out of every class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lepton_infra.spec.node_pool import NodePoolSpec
    from lepton_infra.spec.platform import PlatformSpec

COMPUTE_CLASS_API = "cloud.google.com/v1"
# The node label a pod selects a class by, and the key of the taint that keeps other pods off its pools.
COMPUTE_CLASS_KEY = "cloud.google.com/compute-class"
COMPUTE_CLASS_TAINT_EFFECT = "NoSchedule"
# Highest rung first.
RUNG_ORDER = ("reserved", "on-demand", "spot")


@dataclass(frozen=True)
class FallbackClass:
    """One ComputeClass: its name and, highest rung first, the rungs that have pools with their pools."""

    name: str
    rungs: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def pools(self) -> tuple[str, ...]:
        return tuple(p for _, names in self.rungs for p in names)


def class_name(gpu_type: str, gpu_count: int) -> str:
    """`lepton-<gpu>-x<count>`: a DNS label that is also a valid taint value, never starting with `gke`."""
    return f"lepton-{gpu_type}-x{gpu_count}"


def fallback_classes(spec: PlatformSpec) -> tuple[FallbackClass, ...]:
    """The classes `gcp.capacity_fallback` makes: one per GPU shape with a reserved pool and another pool
    (a shape with one rung has nothing to fall back to); none when the knob is off."""
    if spec.cloud != "gcp" or spec.gcp is None or not spec.gcp.capacity_fallback:
        return ()
    queued = set(spec.gcp.queued_provisioning_pools)
    shapes: dict[tuple[str, int], list[NodePoolSpec]] = {}
    for pool in spec.gpu_pools:
        if pool.gpu is not None and pool.name not in queued:
            shapes.setdefault((pool.gpu.type, pool.gpu.count), []).append(pool)
    out = []
    for (gpu, count), pools in sorted(shapes.items()):
        if len(pools) < 2 or not any(p.reservation is not None for p in pools):
            continue
        rungs = ((r, tuple(sorted(p.name for p in pools if p.capacity_rung == r))) for r in RUNG_ORDER)
        out.append(FallbackClass(class_name(gpu, count), tuple((r, names) for r, names in rungs if names)))
    return tuple(out)


def pool_classes(classes: Sequence[FallbackClass]) -> dict[str, str]:
    """Pool name -> the class it is enrolled in."""
    return {pool: c.name for c in classes for pool in c.pools}


def compute_class_spec(fallback: FallbackClass) -> Mapping[str, Any]:
    """The ComputeClass `spec`: one priority rule per rung, highest first."""
    order = " -> ".join(f"{rung} ({', '.join(names)})" for rung, names in fallback.rungs)
    return {
        "description": f"lepton-infra capacity fallback: {order}",
        "priorities": [{"nodepools": list(names)} for _, names in fallback.rungs],
        "nodePoolAutoCreation": {"enabled": False},
        "activeMigration": {"optimizeRulePriority": False},
        "whenUnsatisfiable": "DoNotScaleUp",
    }
