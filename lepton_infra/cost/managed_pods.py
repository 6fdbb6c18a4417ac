"""The cloud's own pods on the system pool where they are read from a source (managed_pods.yaml): on EKS,
every long-running pod of each managed add-on the plan installs (`aws:eks/addon:Addon`), with the requests
its configuration values set or else the add-on's chart defaults at the version read; on AKS, the pods of
the add-ons the platform turns on in the ManagedCluster (managed Prometheus, the workload identity webhook,
Image Cleaner), on top of the per-node estimate system_fit.py keeps for AKS's own kube-system pods."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from lepton_infra.catalog import Cloud
from lepton_infra.core.yaml_table import read_table
from lepton_infra.cost.pod_requests import PodRequests, cpu_millicores, dig, memory_mib
from lepton_infra.plan.record import PlannedGraph


@cache
def _table() -> dict[str, Any]:
    text = resources.files("lepton_infra.cost").joinpath("managed_pods.yaml").read_text()
    return read_table(text)


def managed_pods(graph: PlannedGraph, cloud: Cloud) -> list[PodRequests] | None:
    """Every long-running pod of the managed add-ons the plan installs, in the plan's order; None: the
    cloud has no table. An EKS add-on the table does not list is an error: its pods would go uncounted."""
    table = _table().get(cloud)
    if table is None:
        return None
    out: list[PodRequests] = []
    for resource in graph.of_type(table["resource"]):
        if "name_input" in table:
            name = str(resource.get(table["name_input"]))
            if name not in table:
                raise KeyError(
                    f"managed add-on {name!r} has no row in cost/managed_pods.yaml: count its pods"
                )
            out += _pods(table[name], resource.name, resource.get("configurationValues"))
        else:
            for key, addon in table.items():
                head, _, rest = (
                    str(addon.get("when", "")).partition(".") if isinstance(addon, dict) else ("", "", "")
                )
                if head and dig(resource.get(head), rest) is True:
                    out += _pods(addon, f"{resource.name}:{key}", None)
    return out


def _pods(addon: dict[str, Any], release: str, raw: Any) -> list[PodRequests]:
    """The add-on's pods, with the requests its configuration values (JSON) set where they set them."""
    values = json.loads(raw) if isinstance(raw, str) and raw else {}
    out: list[PodRequests] = []
    for pod in addon["pods"]:
        enabled = dig(values, pod["enabled"]) if pod.get("enabled") else None
        if (pod.get("default_enabled", True) if enabled is None else enabled) is False:
            continue
        requests = ((dig(values, pod["resources"]) if pod.get("resources") else None) or {}).get(
            "requests"
        ) or {"cpu": pod["cpu"], "memory": pod["memory"]}
        out.append(
            PodRequests(
                name=pod["name"],
                release=release,
                replicas=int(pod.get("replicas", 1)),
                daemonset=bool(pod.get("daemonset")),
                cpu_m=cpu_millicores(requests.get("cpu")),
                memory_mib=memory_mib(requests.get("memory")),
            )
        )
    return out
