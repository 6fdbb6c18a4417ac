"""The cloud's own pods on the system pool where they are read from a source (managed_pods.yaml): on EKS,
every long-running pod of each managed add-on the plan installs (`aws:eks/addon:Addon`), with the requests
its configuration values set or else the add-on's chart defaults at the version read. A cloud without a
sourced table keeps the per-node estimate of system_fit.py (`MANAGED_ALLOWANCE`)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import yaml

from lepton_infra.catalog import Cloud
from lepton_infra.cost.pod_requests import PodRequests, cpu_millicores, dig, memory_mib
from lepton_infra.plan.record import PlannedGraph

EKS_ADDON = "aws:eks/addon:Addon"
_ADDON_TYPES: dict[str, str] = {"aws": EKS_ADDON}


@cache
def _table() -> dict[str, Any]:
    text = resources.files("lepton_infra.cost").joinpath("managed_pods.yaml").read_text()
    return yaml.safe_load(text)


def sourced(cloud: Cloud) -> bool:
    """Whether the cloud's own pods are counted from managed_pods.yaml (else: the per-node estimate)."""
    return cloud in _table()


def managed_pods(graph: PlannedGraph, cloud: Cloud) -> list[PodRequests]:
    """Every long-running pod of the managed add-ons the plan installs, in the plan's order. An add-on
    the table does not list is an error: its pods would go uncounted."""
    table = _table().get(cloud)
    if table is None:
        return []
    out: list[PodRequests] = []
    for addon in graph.of_type(_ADDON_TYPES[cloud]):
        name = str(addon.get("addonName"))
        if name not in table:
            raise KeyError(f"managed add-on {name!r} has no row in cost/managed_pods.yaml: count its pods")
        raw = addon.get("configurationValues")
        values = json.loads(raw) if isinstance(raw, str) and raw else {}
        for pod in table[name]["pods"]:
            enabled = dig(values, pod["enabled"]) if pod.get("enabled") else None
            if (pod.get("default_enabled", True) if enabled is None else enabled) is False:
                continue
            requests = ((dig(values, pod["resources"]) if pod.get("resources") else None) or {}).get(
                "requests"
            ) or {"cpu": pod["cpu"], "memory": pod["memory"]}
            out.append(
                PodRequests(
                    name=pod["name"],
                    release=addon.name,
                    replicas=int(pod.get("replicas", 1)),
                    daemonset=bool(pod.get("daemonset")),
                    cpu_m=cpu_millicores(requests.get("cpu")),
                    memory_mib=memory_mib(requests.get("memory")),
                )
            )
    return out
