"""NetworkPolicy as the dataplane enforces it, over a plan's policies: a connection is allowed when the
source's egress and the destination's ingress both allow it (a pod no policy of a direction selects is
open in that direction). Pods are (namespace, labels); an address outside the cluster is an IP."""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import ip_address, ip_network
from typing import Any

from tests.journeys.cluster import Cluster, selects


@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class External:
    ip: str


Endpoint = Pod | External


def _port_ok(rule: dict[str, Any], port: int, protocol: str = "TCP") -> bool:
    ports = rule.get("ports")
    if not ports:
        return True
    return any(p.get("protocol", "TCP") == protocol and p.get("port") in (None, port) for p in ports)


def _peer_ok(cluster: Cluster, peer: dict[str, Any], policy_ns: str, other: Endpoint) -> bool:
    if "ipBlock" in peer:
        if not isinstance(other, External):
            return False  # CIDR rules are for traffic leaving the cluster (pod IPs are not what they match)
        block = peer["ipBlock"]
        inside = ip_address(other.ip) in ip_network(block["cidr"])
        return inside and not any(ip_address(other.ip) in ip_network(e) for e in block.get("except") or [])
    if isinstance(other, External):
        return False
    if "namespaceSelector" in peer:
        if not selects(peer["namespaceSelector"], cluster.namespace_labels(other.namespace)):
            return False
    elif other.namespace != policy_ns:
        return False
    return selects(peer.get("podSelector"), other.labels)


def _allowed(cluster: Cluster, pod: Pod, other: Endpoint, port: int, direction: str) -> bool:
    key = "egress" if direction == "Egress" else "ingress"
    peers_key = "to" if direction == "Egress" else "from"
    policies = [
        p
        for p in cluster.of_kind("NetworkPolicy", pod.namespace)
        if direction in (p["spec"].get("policyTypes") or ["Ingress"])
        and selects(p["spec"].get("podSelector"), pod.labels)
    ]
    if not policies:
        return True
    for p in policies:
        for rule in p["spec"].get(key) or []:
            peers = rule.get(peers_key)
            if _port_ok(rule, port) and (
                not peers or any(_peer_ok(cluster, x, pod.namespace, other) for x in peers)
            ):
                return True
    return False


def connection(cluster: Cluster, src: Endpoint, dst: Endpoint, port: int) -> tuple[bool, str]:
    """(allowed, which side refuses). `port` is the destination pod's (container) port."""
    if isinstance(src, Pod) and not _allowed(cluster, src, dst, port, "Egress"):
        return False, f"egress of {src.namespace} {src.labels or ''} to {dst} port {port}"
    if isinstance(dst, Pod) and not _allowed(cluster, dst, src, port, "Ingress"):
        return False, f"ingress of {dst.namespace} {dst.labels or ''} from {src} port {port}"
    return True, ""
