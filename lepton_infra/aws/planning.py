"""Pure AWS planning: the instance types a pool runs (the catalog's machine; for spot, interchangeable
types too), the environment defaults a hand-built `AwsKnobs` falls back to, and the node ports the control
plane must reach. No SDK, so every rule is tested without Pulumi."""

from __future__ import annotations

from lepton_infra.catalog import choose_machine, spot_alternatives
from lepton_infra.core.aggregated_apis import aggregated_apis
from lepton_infra.spec import NodePoolSpec, PlatformSpec
from lepton_infra.spec.defaults import default_for


def instance_types(spec: PlatformSpec, pool: NodePoolSpec) -> list[str]:
    """The catalog's machine for the pool; for spot, interchangeable types too (capacity diversity)."""
    machine = choose_machine(
        "aws",
        gpu=pool.gpu.type if pool.gpu else None,
        gpu_count=pool.gpu.count if pool.gpu else 1,
        cpu_class=pool.cpu,
        explicit=pool.machine_type,
        region=None if pool.machine_type else spec.region,
    )
    if not pool.spot:
        return [machine.name]
    return [m.name for m in spot_alternatives("aws", machine)]


def env_default(path: str, spec: PlatformSpec) -> int:
    row = default_for(path)
    assert row is not None, path
    return int(row.value(spec.environment))


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
