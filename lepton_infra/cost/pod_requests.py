"""A pod's resource requests as the system pool fit counts them, and the Kubernetes quantities they are
written in (system_fit.py for the platform's charts, managed_pods.py for the cloud's own add-ons)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


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


_UNITS = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "K": 1e3 / 2**20, "M": 1e6 / 2**20, "G": 1e9 / 2**20}


def cpu_millicores(value: Any) -> int:
    text = str(value or 0)
    return int(text[:-1]) if text.endswith("m") else round(float(text) * 1000)


def memory_mib(value: Any) -> int:
    match = re.fullmatch(r"([0-9.]+)([KMG]i?)?", str(value or 0))
    if not match:
        raise ValueError(f"memory quantity {value!r}: not understood")
    number, unit = match.groups()
    return round(float(number) * (_UNITS[unit] if unit else 1 / 2**20))
