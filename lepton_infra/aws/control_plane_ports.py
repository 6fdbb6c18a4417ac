"""The node ports the EKS control plane must reach: kubelet, the admission webhooks and metrics APIs the
in-cluster charts serve, and every aggregated API's pod port (core/data/aggregated_apis.yaml). Pure data."""

from __future__ import annotations

from lepton_infra.core.aggregated_apis import aggregated_apis

# Control plane -> node ports: kubelet, and the admission webhooks/metrics APIs in-cluster charts serve.
CONTROL_PLANE_TO_NODE_PORTS = (
    (443, "webhooks on 443"),
    (4443, "metrics-server"),
    (6443, "webhooks"),
    (8443, "webhooks"),
    (9443, "webhooks"),
    (10250, "kubelet"),
)


def control_plane_to_node_ports() -> list[tuple[int, str]]:
    """The ports above plus every aggregated API's pod port (core/data/aggregated_apis.yaml: an APIService
    the control plane cannot reach makes discovery fail and namespace deletion hang)."""
    ports = list(CONTROL_PLANE_TO_NODE_PORTS)
    known = {port for port, _ in ports}
    for api in sorted(aggregated_apis().values(), key=lambda a: a.port):
        if api.port not in known:
            ports.append((api.port, f"{api.chart} aggregated API"))
            known.add(api.port)
    return ports
