"""AKS, Log Analytics and storage hardening rules a security scanner would raise on a prod stack: Azure
RBAC, an upgrade channel, the Standard tier in prod, the Azure Policy add-on, Defender, log retention,
TLS-only storage accounts. Over `azure-native:*` type tokens and the wire names azure-native 3 sends the
engine."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from lepton_infra.core.conventions import GPU_PRESENT_LABEL, GPU_TAINT_KEY, GPU_TYPE_LABEL
from lepton_infra.core.tagging import REQUIRED_TAG_KEYS
from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, StackView
from lepton_infra.policy.props import UNKNOWN, as_bool, as_int, as_mapping, is_unknown, shown


def not_false(r: ResourceView, path: str) -> str | None:
    value = r.get(path)
    if is_unknown(value) or as_bool(value) is True:
        return None
    return f"{path} is {shown(value)}, not true"


# Addresses only a network (or a host) itself reaches: RFC 1918, shared address space (RFC 6598, CGNAT),
# link-local, loopback, IPv6 unique-local and link-local.
INTERNAL_RANGES = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "127.0.0.0/8",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
    )
)


def private_addresses(values: list) -> list[str]:
    """The known addresses among `values` that only the network reaches (`INTERNAL_RANGES`). Unknown values
    (a first preview) and names are not judged."""
    out = []
    for value in values:
        if is_unknown(value) or not isinstance(value, str):
            continue
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            continue
        if any(address in network for network in INTERNAL_RANGES if network.version == address.version):
            out.append(value)
    return out


WEB_PORTS = frozenset({80, 443})


def require_prod(view: ResourceView | StackView) -> None:
    """A prod-only rule says why it does not apply anywhere else (dev, staging, or an unknown environment)."""
    if view.environment != "prod":
        raise NotApplicable(f"environment is {view.environment or 'unknown'}, not prod")


def gpu_labelled(labels: Any) -> bool:
    """Our own node labels say GPU (`lepton.ai/gpu-type`, `nvidia.com/gpu.present`)."""
    mapping = as_mapping(labels)
    return bool(mapping.get(GPU_TYPE_LABEL)) or str(mapping.get(GPU_PRESENT_LABEL, "")).lower() == "true"


def effect_is_no_schedule(effect: Any) -> bool:
    """`NoSchedule` (Kubernetes, AKS) and `NO_SCHEDULE` (EKS, GKE) are the same effect."""
    return isinstance(effect, str) and effect.replace("_", "").lower() == "noschedule"


def has_gpu_taint(taints: Iterable[Mapping[str, Any]]) -> bool:
    return any(
        t.get("key") == GPU_TAINT_KEY and effect_is_no_schedule(t.get("effect"))
        for t in taints
        if isinstance(t, Mapping)
    )


def ceiling_problems(high: Any, low: Any, *, max_name: str, min_name: str) -> Iterator[str]:
    """A node pool's autoscaling bounds: a maximum of at least 1, and a minimum not above it. Unknown
    values (preview) are not judged."""
    if is_unknown(high):
        return
    high_n, low_n = as_int(high), as_int(low)
    if high_n is None or high_n < 1:
        yield f"{max_name} is {shown(high)}: no autoscaling ceiling"
    elif low_n is not None and low_n > high_n:
        yield f"{min_name} {low_n} is above {max_name} {high_n}"


def networks_without_flow_logs(
    stack: StackView,
    network_type: str,
    flow_log_type: str,
    noun: str,
    counts: Callable[[ResourceView], bool] = lambda _: True,
) -> Iterator[Finding]:
    """Every network of `network_type` is a dependency of a flow log that `counts` (e.g. not disabled)."""
    networks = stack.of_type(network_type)
    if not networks:
        raise NotApplicable(f"no {noun} in the stack")
    covered = {dep for log in stack.of_type(flow_log_type) if counts(log) for dep in log.dependencies}
    for network in networks:
        if network.urn not in covered:
            yield Finding(f"{noun} {network.name} has no flow log", network.urn)


def parse_k8s_taint(text: str) -> dict[str, str]:
    """`key=value:Effect` (AKS `nodeTaints`) to {key, value, effect}."""
    match = re.fullmatch(r"([^=:]+)(?:=([^:]*))?:(\w+)", text.strip())
    if not match:
        return {}
    return {"key": match.group(1), "value": match.group(2) or "", "effect": match.group(3)}


def missing_tags(tags: Mapping[str, Any]) -> list[str]:
    """Required entries (`lepton_infra.core.tagging.REQUIRED_TAG_KEYS`) that no key satisfies."""
    if tags is UNKNOWN:
        return []
    return [" or ".join(keys) for keys in REQUIRED_TAG_KEYS if not any(tags.get(k) for k in keys)]


def merged_tags(*sources: Any) -> dict[str, Any]:
    """Effective tags: provider defaults first, the resource's own tags win."""
    out: dict[str, Any] = {}
    for source in sources:
        out.update(as_mapping(source))
    return out


def ports_only_web(from_port: Any, to_port: Any, protocol: Any) -> bool:
    """True when a rule opens nothing but TCP 80 or 443 (a single port each)."""
    proto = str(protocol).lower() if protocol is not None else "tcp"
    if proto not in ("tcp", "6"):
        return False
    try:
        low, high = int(from_port), int(to_port)
    except (TypeError, ValueError):
        return False
    return low == high and low in WEB_PORTS
