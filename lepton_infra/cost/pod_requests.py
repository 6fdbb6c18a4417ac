"""A pod's resource requests as the system pool fit counts them, and the Kubernetes quantities they are
written in (system_fit.py for the platform's charts, managed_pods.py for the cloud's own add-ons)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lepton_infra.spec.base import quantity_value


@dataclass(frozen=True)
class PodRequests:
    name: str
    release: str  # the Helm release or managed add-on resource that runs it
    replicas: int  # per cluster; a DaemonSet's per node
    daemonset: bool
    cpu_m: int  # per replica
    memory_mib: int


def dig(values: Any, path: str) -> Any:
    """`values` at the dotted `path`; None where a part is missing."""
    for part in path.split("."):
        values = values.get(part) if isinstance(values, dict) else None
    return values


def cpu_millicores(value: Any) -> int:
    """A CPU quantity ("250m", "1", 0.5) in millicores."""
    return round(quantity_value(str(value or 0)) * 1000)


def memory_mib(value: Any) -> int:
    """A memory quantity ("20Mi", "2Gi", "1000M") in MiB."""
    return round(quantity_value(str(value or 0)) / 2**20)
