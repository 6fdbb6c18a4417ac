"""Do the platform's own pods fit the system pool at its minimum? The plan proves it instead of assuming it:
the requests of every long-running pod of the pinned charts the plan installs (system_pods.yaml: the
release's values where it sets them, the chart's defaults otherwise), DaemonSets once per node, plus an
allowance for the cloud's own kube-system pods, against the allocatable CPU and memory (allocatable.py) of
the system pool's minimum node count.

On EKS the cloud's own pods are counted like the charts': every long-running pod of each managed add-on the
plan installs, from the add-on's own sources at the version read (managed_pods.yaml); on AKS so are the
add-ons the platform turns on (managed Prometheus, the workload identity webhook, Image Cleaner). AKS's
remaining kube-system pods and GKE's are still an estimate per node, not read from the clouds (DNS, CNI,
CSI node plugins, kube-proxy, metrics and logging agents are not in the plan). `HEADROOM` keeps a share of
allocatable free on top, for the next release's larger requests and a rolling update's surge pod."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from lepton_infra.catalog import Cloud
from lepton_infra.catalog.machines import catalog
from lepton_infra.core.yaml_table import read_table
from lepton_infra.cost.allocatable import allocatable
from lepton_infra.cost.managed_pods import managed_pods
from lepton_infra.cost.pod_requests import PodRequests, cpu_millicores, dig, memory_mib
from lepton_infra.plan.record import PlannedGraph

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
HEADROOM = 0.10  # of allocatable CPU and memory, left free (module docstring)
# The cloud's own kube-system pods per system node that managed_pods.yaml does not read: estimates (no
# source read here), replaced by read figures when one is (EKS's were, 2026-12-07: cost/managed_pods.py).
MANAGED_ALLOWANCE: dict[str, tuple[int, int]] = {  # cloud -> (millicores, MiB) per node
    # kube-dns and its autoscaler, konnectivity, fluentbit-gke, gke-metrics-agent, PD CSI node, netd.
    "gcp": (600, 600),
    # CoreDNS, konnectivity, azure-cns, ip-masq-agent, cloud-node-manager, disk and file CSI node plugins.
    "azure": (450, 500),
}


@dataclass
class SystemFit:
    pool: str
    machine_type: str
    min_nodes: int
    pods: list[PodRequests] = field(default_factory=list)
    allocatable_cpu_m: int = 0  # the pool's minimum, all nodes
    allocatable_memory_mib: int = 0
    managed_cpu_m: int = 0  # the cloud's own pods, all nodes: `managed` summed, or the estimate
    managed_memory_mib: int = 0
    managed: list[PodRequests] | None = None  # read from managed_pods.yaml; None: the estimate

    @property
    def requests_cpu_m(self) -> int:
        return total_cpu_m(self.pods, self.min_nodes)

    @property
    def requests_memory_mib(self) -> int:
        return total_memory_mib(self.pods, self.min_nodes)

    @property
    def needed_cpu_m(self) -> int:
        return self.requests_cpu_m + self.managed_cpu_m

    @property
    def needed_memory_mib(self) -> int:
        return self.requests_memory_mib + self.managed_memory_mib

    @property
    def fits(self) -> bool:
        usable = 1 - HEADROOM
        return (
            self.min_nodes > 0
            and self.needed_cpu_m <= self.allocatable_cpu_m * usable
            and self.needed_memory_mib <= self.allocatable_memory_mib * usable
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "pool": self.pool,
            "machine_type": self.machine_type,
            "min_nodes": self.min_nodes,
            "requests": {"cpu_m": self.requests_cpu_m, "memory_mib": self.requests_memory_mib},
            "managed_allowance": {"cpu_m": self.managed_cpu_m, "memory_mib": self.managed_memory_mib},
            "allocatable": {"cpu_m": self.allocatable_cpu_m, "memory_mib": self.allocatable_memory_mib},
            "headroom": HEADROOM,
            "fits": self.fits,
            "pods": [_pod_json(p) for p in self.pods],
            **({"managed_pods": [_pod_json(p) for p in self.managed]} if self.managed is not None else {}),
        }


def _pod_json(p: PodRequests) -> dict[str, Any]:
    return {
        "name": p.name,
        "release": p.release,
        "replicas": p.replicas,
        "per_node": p.daemonset,
        "cpu_m": p.cpu_m,
        "memory_mib": p.memory_mib,
    }


def total_cpu_m(pods: list[PodRequests], nodes: int) -> int:
    return sum(p.cpu_m * p.replicas * (nodes if p.daemonset else 1) for p in pods)


def total_memory_mib(pods: list[PodRequests], nodes: int) -> int:
    return sum(p.memory_mib * p.replicas * (nodes if p.daemonset else 1) for p in pods)


@cache
def _table() -> dict[str, list[dict[str, Any]]]:
    text = resources.files("lepton_infra.cost").joinpath("system_pods.yaml").read_text()
    return read_table(text)["charts"]


def platform_pods(graph: PlannedGraph) -> list[PodRequests]:
    """Every long-running pod of the pinned charts the plan installs, with its requests."""
    out: list[PodRequests] = []
    for release in graph.of_type(HELM_RELEASE):
        values = release.get("values") or {}
        # The table is keyed by chart name; an OCI chart's `chart` input is its full address
        # (kubernetes/charts/pinned.py `reference`: oci://registry.k8s.io/kueue/charts/kueue).
        for w in _table().get(str(release.get("chart")).rsplit("/", 1)[-1], []):
            cpu = memory = 0
            for path, default in zip(w["resources"], w["defaults"], strict=True):
                requests = (dig(values, path) or {}).get("requests") or default
                cpu += cpu_millicores(requests.get("cpu"))
                memory += memory_mib(requests.get("memory"))
            replicas = dig(values, w["replicas"]) if w.get("replicas") else None
            out.append(
                PodRequests(
                    name=w["name"],
                    release=release.name,
                    replicas=int(replicas if replicas is not None else w.get("replicas_default", 1)),
                    daemonset=bool(w.get("daemonset")),
                    cpu_m=cpu,
                    memory_mib=memory,
                )
            )
    return out


def system_fit(
    graph: PlannedGraph, cloud: Cloud, pool: str, machine_type: str, min_nodes: int
) -> SystemFit | None:
    """The platform's pods on `pool` at `min_nodes` of `machine_type` (None: not in the catalog)."""
    machine = catalog(cloud).machine(machine_type)
    if machine is None:
        return None
    node = allocatable(cloud, machine)
    managed = managed_pods(graph, cloud)
    per_node_cpu, per_node_memory = MANAGED_ALLOWANCE.get(cloud, (0, 0))
    managed_cpu = per_node_cpu * min_nodes + total_cpu_m(managed or [], min_nodes)
    managed_memory = per_node_memory * min_nodes + total_memory_mib(managed or [], min_nodes)
    return SystemFit(
        pool=pool,
        machine_type=machine_type,
        min_nodes=min_nodes,
        pods=platform_pods(graph),
        allocatable_cpu_m=node.cpu_m * min_nodes,
        allocatable_memory_mib=node.memory_mib * min_nodes,
        managed_cpu_m=managed_cpu,
        managed_memory_mib=managed_memory,
        managed=managed,
    )
