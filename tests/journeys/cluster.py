"""A recorded plan read back as the cluster it would build: the Kubernetes objects by kind, the Helm
releases' values, the spec, and the node pools as nodes with their labels and taints (each cloud's
spelling read from its own resource type, plus the taints the cloud adds by itself)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from lepton_infra.plan.record import PlannedGraph, whole_numbers

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
NAME_LABEL = "kubernetes.io/metadata.name"
_EFFECTS = {"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}
# GKE taints the nodes of a queued-provisioning pool itself (GKE "Run a large-scale workload with
# flex-start with queued provisioning"; cluster-toolkit modules/compute/gke-node-pool README,
# `enable_queued_provisioning`: "adds the cloud.google.com/gke-queued taint"; read 2026-12-07).
GKE_QUEUED_TAINT = {"key": "cloud.google.com/gke-queued", "value": "true", "effect": "NoSchedule"}


class BrokenLink(AssertionError):
    """A journey stopped at one link: which journey, which link, and why."""


@dataclass
class Journey:
    """Walks links in order and stops at the first broken one, naming it."""

    name: str
    # False: walk on past broken links and collect them (the tests of one defect read `broken`).
    stop: bool = True
    links: list[str] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)

    def link(self, name: str, ok: bool, why: str = "") -> None:
        self.links.append(name)
        if ok:
            return
        if self.stop:
            raise BrokenLink(f"{self.name}: broken at link {len(self.links)} '{name}': {why}")
        self.broken[name] = why


@dataclass(frozen=True)
class Pool:
    name: str
    labels: dict[str, str]
    taints: list[dict[str, str]]
    max_nodes: int
    spot: bool
    disk_gb: int
    gpu_type: str | None
    gpus: int  # per node
    queued: bool = False


AKS_CLUSTER = "azure-native:containerservice:ManagedCluster"


def _taint(t: Any) -> dict[str, str]:
    if isinstance(t, str):  # AKS: key=value:Effect
        kv, effect = t.rsplit(":", 1)
        key, _, value = kv.partition("=")
        return {"key": key, "value": value, "effect": effect}
    return {"key": t["key"], "value": t.get("value", ""), "effect": _EFFECTS.get(t["effect"], t["effect"])}


class Cluster:
    def __init__(self, graph: PlannedGraph) -> None:
        self.graph = graph
        self.spec: dict[str, Any] = json.loads(graph.config["lepton:platform"])
        self.cloud: str = self.spec["cloud"]
        self.objects: list[dict[str, Any]] = [
            whole_numbers(dict(r.inputs))
            for r in graph.managed
            if r.type.startswith("kubernetes:") and r.type != HELM_RELEASE and r.inputs.get("kind")
        ]
        self.pools = self._pools()

    # Kubernetes objects -------------------------------------------------------------------------------
    def of_kind(self, kind: str, namespace: str | None = None) -> list[dict[str, Any]]:
        return [
            o
            for o in self.objects
            if o["kind"] == kind and (namespace is None or o["metadata"].get("namespace") == namespace)
        ]

    def named(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        found = [o for o in self.of_kind(kind, namespace) if o["metadata"].get("name") == name]
        return found[0] if found else None

    def namespace_labels(self, namespace: str) -> dict[str, str]:
        ns = self.named("Namespace", namespace)
        labels = dict((ns or {}).get("metadata", {}).get("labels") or {})
        return {**labels, NAME_LABEL: namespace}

    def release_values(self, chart: str) -> dict[str, Any] | None:
        for r in self.graph.of_type(HELM_RELEASE):
            if str(r.get("chart")).rsplit("/", 1)[-1] == chart:
                return whole_numbers(r.get("values") or {})
        return None

    def kueue_config(self) -> dict[str, Any]:
        values = self.release_values("kueue") or {}
        text = (values.get("managerConfig") or {}).get("controllerManagerConfigYaml") or "{}"
        return yaml.safe_load(text) or {}

    @property
    def tenants(self) -> list[dict[str, Any]]:
        return list(self.spec.get("tenants") or [])

    @property
    def services(self) -> list[dict[str, Any]]:
        return list(self.spec.get("services") or [])

    # Node pools ----------------------------------------------------------------------------------------
    def _pool_inputs(self) -> list[tuple[Any, dict[str, Any]]]:
        """(resource, its pool's inputs) of every node pool: the node groups and pools, and the AKS system
        pool inline in the cluster, which hosts the spec's system pool when it carries its labels
        (`azure.system_pool_hosts_platform`, azure/system_pool.py)."""
        found: list[tuple[Any, dict[str, Any]]] = []
        for r in self.graph.managed:
            if r.type == AKS_CLUSTER:
                found += [(r, dict(p)) for p in r.inputs.get("agentPoolProfiles") or []]
            else:
                found.append((r, r.inputs))
        return found

    def _pools(self) -> dict[str, Pool]:
        spec_pools = {p["name"]: p for p in self.spec.get("node_pools") or []}
        pools: dict[str, Pool] = {}
        for r, i in self._pool_inputs():
            if r.type == "aws:eks/nodeGroup:NodeGroup":
                labels, taints = i.get("labels") or {}, [_taint(t) for t in i.get("taints") or []]
                max_nodes, spot, queued = (
                    i["scalingConfig"]["maxSize"],
                    i.get("capacityType") == "SPOT",
                    False,
                )
            elif r.type == "gcp:container/nodePool:NodePool":
                nc = i.get("nodeConfig") or {}
                labels, taints = nc.get("labels") or {}, [_taint(t) for t in nc.get("taints") or []]
                max_nodes, spot = i["autoscaling"]["totalMaxNodeCount"], bool(nc.get("spot"))
                queued = bool((i.get("queuedProvisioning") or {}).get("enabled"))
                if queued:
                    taints.append(dict(GKE_QUEUED_TAINT))
            elif r.type in ("azure-native:containerservice:AgentPool", AKS_CLUSTER):
                labels, taints = i.get("nodeLabels") or {}, [_taint(t) for t in i.get("nodeTaints") or []]
                max_nodes, spot, queued = i.get("maxCount") or 0, i.get("scaleSetPriority") == "Spot", False
            else:
                continue
            name = labels.get("lepton.ai/pool")
            if name not in spec_pools:
                continue  # the cloud's own pools (AKS system pool) are not the spec's, unless they host one
            sp = spec_pools[name]
            gpu = sp.get("gpu") or {}
            pools[name] = Pool(
                name,
                dict(labels),
                taints,
                int(max_nodes),
                spot,
                int(sp.get("disk_gb", 100)),
                gpu.get("type"),
                int(gpu.get("count", 0)),
                queued,
            )
        return pools


def tolerates(tolerations: list[dict[str, Any]], taint: dict[str, str]) -> bool:
    for t in tolerations:
        if t.get("effect") and t["effect"] != taint["effect"]:
            continue
        if t.get("operator") == "Exists" and (not t.get("key") or t["key"] == taint["key"]):
            return True
        if t.get("key") == taint["key"] and t.get("value", "") == taint["value"]:
            return True
    return False


def untolerated(tolerations: list[dict[str, Any]], pool: Pool) -> list[dict[str, str]]:
    return [
        t for t in pool.taints if t["effect"] in ("NoSchedule", "NoExecute") and not tolerates(tolerations, t)
    ]


def selects(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """A LabelSelector (matchLabels, matchExpressions) against labels; {} selects everything."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True
