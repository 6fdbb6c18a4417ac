"""What the spec refuses because a service could never run: a request no node that may host it can hold,
or a request above its tenant's ResourceQuota (a request of zero is refused by the field itself).
Kubernetes would accept each of these and leave the pods Pending forever (the scheduler finds no node;
the quota admission refuses the pod), which `pulumi up` reports as success.

Node sizes are the catalog's capacity (vCPUs, memory): what a pod can use is less (the kubelet's
reservations, the platform's DaemonSets), so a request just under the capacity may still not fit. Only
what is certain is refused here: a request above the capacity of every node that could take the pod.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from lepton_infra.catalog import NoMachine, gpu_models
from lepton_infra.catalog.machines import Machine
from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import rule
from lepton_infra.spec.base import quantity_value
from lepton_infra.spec.resolved import resolve_pool

if TYPE_CHECKING:
    from lepton_infra.spec.node_pool import NodePoolSpec
    from lepton_infra.spec.platform import PlatformSpec
    from lepton_infra.spec.service import ServiceSpec

_GIB = Decimal(2) ** 30


def _largest_machine(spec: PlatformSpec, pool: NodePoolSpec) -> Machine | None:
    """The largest machine `pool` may launch: of the machines the resolution gives it (spec/resolved.py:
    the one chosen in the spec's region and, on a cloud whose pools take several types, a spot pool's
    interchangeable ones), or None when the catalog has none for it there (refused by the pool rules)."""
    if pool.gpu is not None and pool.gpu.type not in gpu_models():
        return None
    try:
        machines = resolve_pool(spec, pool).machines
    except NoMachine:
        return None
    return max(machines, key=lambda m: (m.vcpu, m.memory_gib))


def _hosts(spec: PlatformSpec, svc: ServiceSpec) -> list[tuple[str, Machine]]:
    """(pool, machine) for every pool whose nodes may take the service's pods: pools with its GPU and
    enough of them per node, or, for a CPU service, the CPU pools (GPU nodes carry the GPU taint)."""
    out = []
    for pool in spec.node_pools:
        if svc.gpu is None:
            fits = pool.gpu is None
        else:
            fits = pool.gpu is not None and pool.gpu.type == svc.gpu.type and pool.gpu.count >= svc.gpu.count
        machine = _largest_machine(spec, pool) if fits else None
        if machine is not None:
            out.append((pool.name, machine))
    return out


@rule("cloud", "region", "node_pools", "services")
def _services_fit_a_node(spec: PlatformSpec) -> Iterator[Problem]:
    for i, svc in enumerate(spec.services):
        path = f"services[{i}]"
        cpu, memory = quantity_value(svc.cpu), quantity_value(svc.memory)
        if cpu == 0:
            yield Problem(f"{path}.cpu", svc.cpu, "a replica needs some CPU", "request at least 100m")
        if memory == 0:
            yield Problem(
                f"{path}.memory", svc.memory, "a replica needs some memory", "request at least 128Mi"
            )
        hosts = _hosts(spec, svc)
        if not hosts:
            continue  # no pool offers its GPU: refused by the GPU rules with a better message
        name, biggest_cpu = max(hosts, key=lambda h: h[1].vcpu)
        if cpu > biggest_cpu.vcpu:
            yield Problem(
                f"{path}.cpu",
                svc.cpu,
                f"more than any node that could run it has (largest: pool {name}, {biggest_cpu.name} with "
                f"{biggest_cpu.vcpu} vCPUs): its pods would stay Pending",
                "lower the request, or add a pool of larger machines",
            )
        name, biggest_memory = max(hosts, key=lambda h: h[1].memory_gib)
        if memory > Decimal(str(biggest_memory.memory_gib)) * _GIB:
            yield Problem(
                f"{path}.memory",
                svc.memory,
                f"more than any node that could run it has (largest: pool {name}, {biggest_memory.name} "
                f"with {biggest_memory.memory_gib:g} GiB): its pods would stay Pending",
                "lower the request, or add a pool of larger machines",
            )


@rule("tenants", "services")
def _services_fit_their_tenant(spec: PlatformSpec) -> Iterator[Problem]:
    """A tenant's ResourceQuota holds every pod in its namespace: one replica must fit under it (as a
    service's GPUs must fit `gpu_quota`), and so must the minimum replicas of all its services together."""
    tenants = {t.name: t for t in spec.tenants}
    minimum: dict[str, dict[str, Decimal]] = {}
    for i, svc in enumerate(spec.services):
        tenant = tenants.get(svc.tenant)
        if tenant is None:
            continue  # refused as an unknown tenant
        for field, request, ceiling in (
            ("cpu", svc.cpu, tenant.cpu_quota),
            ("memory", svc.memory, tenant.memory_quota),
        ):
            if quantity_value(request) > quantity_value(ceiling):
                yield Problem(
                    f"services[{i}].{field}",
                    request,
                    f"above tenant {tenant.name}'s {field}_quota {ceiling}: the quota admits no replica",
                    f"lower the request or raise the tenant's {field}_quota",
                )
        totals = minimum.setdefault(tenant.name, {"cpu": Decimal(0), "memory": Decimal(0), "gpu": Decimal(0)})
        totals["cpu"] += svc.replicas.min * quantity_value(svc.cpu)
        totals["memory"] += svc.replicas.min * quantity_value(svc.memory)
        totals["gpu"] += svc.replicas.min * (svc.gpu.count if svc.gpu else 0)
    for j, tenant in enumerate(spec.tenants):
        totals = minimum.get(tenant.name)
        if totals is None:
            continue
        for field, ceiling in (
            ("cpu", quantity_value(tenant.cpu_quota)),
            ("memory", quantity_value(tenant.memory_quota)),
            ("gpu", Decimal(tenant.gpu_quota)),
        ):
            quota = getattr(tenant, f"{field}_quota")
            # One replica above the quota is named on the service (above); the sum is checked otherwise.
            if totals[field] > ceiling and not _one_replica_above(spec, tenant.name, field, ceiling):
                yield Problem(
                    f"tenants[{j}].{field}_quota",
                    quota,
                    f"below what its services' minimum replicas request together "
                    f"({_shown(field, totals[field])}): some of them could never start",
                    f"raise {field}_quota, or lower the services' replicas.min or requests",
                )


def _one_replica_above(spec: PlatformSpec, tenant: str, field: str, ceiling: Decimal) -> bool:
    for svc in spec.services:
        if svc.tenant != tenant:
            continue
        one = (
            Decimal(svc.gpu.count if svc.gpu else 0)
            if field == "gpu"
            else quantity_value(svc.cpu if field == "cpu" else svc.memory)
        )
        if one > ceiling:
            return True
    return False


def _shown(field: str, value: Decimal) -> str:
    if field == "memory":
        return f"{value / _GIB:g}Gi"
    if field == "gpu":
        return f"{value:g} GPUs"
    return f"{value:g} CPUs"


CAPACITY_RULES = (_services_fit_a_node, _services_fit_their_tenant)
