"""Pure GCP planning: spec values to GKE settings. No Pulumi, no SDK, so every rule is unit-tested."""

from __future__ import annotations

import math
from dataclasses import dataclass
from ipaddress import IPv4Network

from lepton_infra.catalog import catalog, choose_machine
from lepton_infra.core.cidr import plan_gke_ranges
from lepton_infra.core.conventions import (
    GPU_TAINT_EFFECT,
    GPU_TAINT_KEY,
    GPU_TAINT_VALUE,
    RESERVED_TAINT_EFFECT,
    RESERVED_TAINT_KEY,
    RESERVED_TAINT_VALUE,
    node_labels,
)
from lepton_infra.profiles.gcp.compute_class import COMPUTE_CLASS_KEY, COMPUTE_CLASS_TAINT_EFFECT

# Kubernetes taint effects as the GKE API spells them.
GKE_TAINT_EFFECTS = {
    "NoSchedule": "NO_SCHEDULE",
    "PreferNoSchedule": "PREFER_NO_SCHEDULE",
    "NoExecute": "NO_EXECUTE",
}
CONTROL_PLANE_PREFIX = 28  # GKE requires a /28 for a private control plane's range


@dataclass(frozen=True)
class NetworkLayout:
    """The node subnet, its two secondary ranges and the control plane's /28, all from one CIDR."""

    nodes: IPv4Network
    pods: IPv4Network
    services: IPv4Network
    control_plane: IPv4Network


def plan_network_layout(cidr: IPv4Network) -> NetworkLayout:
    """`plan_gke_ranges` leaves the last eighth of the CIDR free; the control plane takes the first /28
    of it, so it can never overlap nodes, pods or services and later growth keeps the rest."""
    ranges = plan_gke_ranges(cidr)
    free = list(cidr.subnets(prefixlen_diff=3))[-1]
    control_plane = next(free.subnets(new_prefix=CONTROL_PLANE_PREFIX))
    return NetworkLayout(
        nodes=ranges.nodes, pods=ranges.pods, services=ranges.services, control_plane=control_plane
    )


# Google's recommended proxy-only subnet size for regional Envoy load balancers ("Proxy-only subnets for
# Envoy-based load balancers": /23 recommended, /26 the smallest accepted).
PROXY_ONLY_PREFIX = 23
PROXY_ONLY_MIN_PREFIX = 26


def plan_proxy_only_range(cidr: IPv4Network) -> IPv4Network:
    """The proxy-only subnet of the regional Gateway classes: the last block of the free eighth
    `plan_network_layout` leaves (whose first /28 is the control plane's), a /23 where the eighth is big
    enough, else its upper half (a /20 network's eighth is a /23: the proxies get a /24)."""
    free = list(cidr.subnets(prefixlen_diff=3))[-1]
    prefix = min(max(PROXY_ONLY_PREFIX, free.prefixlen + 1), PROXY_ONLY_MIN_PREFIX)
    return list(free.subnets(new_prefix=prefix))[-1]


@dataclass(frozen=True)
class Accelerator:
    type: str  # GCE accelerator type, e.g. nvidia-l4
    count: int


@dataclass(frozen=True)
class Taint:
    key: str
    value: str
    effect: str  # GKE spelling: NO_SCHEDULE


@dataclass(frozen=True)
class PoolShape:
    """What a spec pool becomes on GKE: machine, GPUs, labels, taints and upgrade behaviour."""

    machine_type: str
    accelerator: Accelerator | None
    labels: dict[str, str]
    taints: tuple[Taint, ...]
    max_surge: int
    max_unavailable: int
    location_policy: str


def pool_shape(
    pool: str,
    *,
    gpu: str | None,
    gpu_count: int,
    cpu_class: str | None,
    machine_type: str | None,
    extra_labels: dict[str, str] | None = None,
    spot: bool = False,
    balanced: bool = False,
    reserved: bool = False,
    compute_class: str | None = None,
) -> PoolShape:
    """Machine type from the catalog (an explicit one wins); the accelerator type string and count come
    from the catalog machine, so they always agree with what the machine type carries."""
    machine = choose_machine("gcp", gpu=gpu, gpu_count=gpu_count, cpu_class=cpu_class, explicit=machine_type)
    labels = {**(extra_labels or {}), **node_labels(pool, gpu)}
    # A pool enrolled in a capacity-fallback ComputeClass carries its label and taint (GKE "About custom
    # ComputeClasses", manual-node-pools; profiles/gcp/compute_class.py).
    enrolled: tuple[Taint, ...] = ()
    if compute_class is not None:
        labels[COMPUTE_CLASS_KEY] = compute_class
        enrolled = (Taint(COMPUTE_CLASS_KEY, compute_class, GKE_TAINT_EFFECTS[COMPUTE_CLASS_TAINT_EFFECT]),)
    if machine.gpu is None:
        return PoolShape(
            machine_type=machine.name,
            accelerator=None,
            labels=labels,
            taints=enrolled,
            max_surge=1,
            max_unavailable=0,
            location_policy="ANY" if spot else "BALANCED",
        )
    accelerator = Accelerator(type=catalog("gcp").accelerators[machine.gpu], count=machine.gpu_count)
    taint = Taint(GPU_TAINT_KEY, GPU_TAINT_VALUE, GKE_TAINT_EFFECTS[GPU_TAINT_EFFECT])
    # prod: a pool holding services kept running repels every other pod too (core/conventions.py).
    kept = Taint(RESERVED_TAINT_KEY, RESERVED_TAINT_VALUE, GKE_TAINT_EFFECTS[RESERVED_TAINT_EFFECT])
    # GPU capacity is scarce: an upgrade replaces nodes in place (no surge node that may never come) and
    # the autoscaler may place GPU nodes in any zone that has capacity (ANY: "picks zones that have the
    # highest capacity available"), unless the pool holds a service kept running (`balanced`): there
    # BALANCED ("a best effort policy that aims to balance the sizes of different zones"; GKE API
    # NodePoolAutoscaling.LocationPolicy, read 2026-12-07) keeps its replicas' nodes in different zones,
    # which the replicas' ScheduleAnyway zone spread alone cannot do when ANY puts every node in one.
    return PoolShape(
        machine_type=machine.name,
        accelerator=accelerator,
        labels=labels,
        taints=((taint, kept) if reserved else (taint,)) + enrolled,
        max_surge=0,
        max_unavailable=1,
        location_policy="BALANCED" if balanced else "ANY",
    )


def initial_nodes_per_zone(desired: int, zones: int, max_nodes: int) -> int:
    """GKE sizes a pool per zone; the spec counts nodes in total. Round up so `desired` is reached, but
    never start above `max_nodes` in total (the autoscaler adds nodes when pods need them)."""
    if zones < 1:
        raise ValueError("zones must be >= 1")
    per_zone = math.ceil(max(desired, 0) / zones)
    while per_zone > 0 and per_zone * zones > max_nodes:
        per_zone -= 1
    return per_zone


def workload_pool(project: str) -> str:
    return f"{project}.svc.id.goog"


def workload_identity_member(project: str, namespace: str, service_account: str) -> str:
    return f"serviceAccount:{workload_pool(project)}[{namespace}/{service_account}]"


def prefix_read_condition(bucket: str, prefix: str) -> str:
    """CEL for IAM: read objects under `prefix`, and list the bucket only with that prefix."""
    clean = prefix.strip("/")
    if not clean or any(c in clean for c in "\"'\\"):
        raise ValueError(f"bucket prefix {prefix!r} must be non-empty and free of quotes and backslashes")
    objects = f"projects/_/buckets/{bucket}/objects/{clean}/"
    return (
        f'resource.name.startsWith("{objects}") || '
        f'(resource.type == "storage.googleapis.com/Bucket" && '
        f'api.getAttribute("storage.googleapis.com/objectListPrefix", "").startsWith("{clean}/"))'
    )


def service_agent(project_number: str, service: str) -> str:
    """The member of a Google-managed service agent (they exist once the API is enabled)."""
    domains = {
        "container": "container-engine-robot",
        "compute": "compute-system",
        "storage": "gs-project-accounts",
        "artifactregistry": "gcp-sa-artifactregistry",
        # IAM "Service agents" reference: the primary agent of file.googleapis.com (read 2026-12-08)
        "filestore": "cloud-filer",
    }
    return f"serviceAccount:service-{project_number}@{domains[service]}.iam.gserviceaccount.com"


class NoZoneOffers(LookupError):
    """No zone of the region offers a pool's machine type: creating the pool would fail mid-apply."""


def zones_offering(
    machine_type: str, region: str, candidates: list[str], offered: list[bool], wanted: int
) -> list[str]:
    """The first `wanted` candidate zones (sorted) whose machine types include `machine_type`, the
    cluster-toolkit habit of placing accelerator pools only where the machine exists."""
    if len(candidates) != len(offered):
        raise ValueError("one availability answer per candidate zone")
    zones = sorted(z for z, ok in zip(candidates, offered, strict=True) if ok)
    if not zones:
        raise NoZoneOffers(
            f"no zone of {region} offers {machine_type} (checked {', '.join(sorted(candidates))}); "
            "pick another region or GPU type, or set machine_type explicitly"
        )
    return zones[:wanted]
