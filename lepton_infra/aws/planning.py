"""Pure AWS planning: the instance types a pool runs (the catalog's machine; for spot, interchangeable
types too) and the environment defaults a hand-built `AwsKnobs` falls back to. No SDK, so every rule is
tested without Pulumi."""

from __future__ import annotations

from lepton_infra.catalog import choose_machine, spot_alternatives
from lepton_infra.spec import NodePoolSpec, PlatformSpec
from lepton_infra.spec.defaults import default_for


def instance_types(spec: PlatformSpec, pool: NodePoolSpec) -> list[str]:
    """The catalog's machine for the pool; for spot, the same-shape types sold in the region too (capacity
    diversity the cluster autoscaler can model)."""
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
    return [m.name for m in spot_alternatives("aws", machine, region=spec.region)]


def env_default(path: str, spec: PlatformSpec) -> int:
    row = default_for(path)
    assert row is not None, path
    return int(row.value(spec.environment))
