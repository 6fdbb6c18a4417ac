"""Pick machine types for a pool: the cheapest catalog machine for `{gpu type, count}`; an explicit
machine type in the spec wins. Pure functions, so the spec validator and every cloud share them."""

from __future__ import annotations

from lepton_infra.catalog.machines import Cloud, Machine, catalog

DEFAULT_CPU_CLASS = "standard-4"


class NoMachine(LookupError):
    """No catalog machine fits the request; the message says what would."""


def choose_machine(
    cloud: Cloud,
    *,
    gpu: str | None = None,
    gpu_count: int = 1,
    cpu_class: str | None = None,
    explicit: str | None = None,
    region: str | None = None,
) -> Machine:
    """The machine type for one pool. `explicit` wins but must be a catalog machine of the same GPU."""
    cat = catalog(cloud)
    if explicit is not None:
        machine = cat.machine(explicit)
        if machine is None:
            known = ", ".join(m.name for m in (cat.gpu_machines(gpu) if gpu else cat.machines))
            raise NoMachine(f"{explicit!r} is not in the {cloud} catalog; known: {known}")
        if machine.gpu != gpu:
            raise NoMachine(f"{explicit!r} carries GPU {machine.gpu!r}, not {gpu!r}")
        return machine
    if gpu is None:
        wanted = cpu_class or DEFAULT_CPU_CLASS
        for machine in cat.machines:
            if machine.cpu_class == wanted:
                return machine
        classes = sorted({m.cpu_class for m in cat.machines if m.cpu_class})
        raise NoMachine(f"unknown cpu class {wanted!r}; known: {', '.join(classes)}")
    machines = [m for m in cat.gpu_machines(gpu) if region is None or region in m.regions]
    candidates = [m for m in machines if m.gpu_count == gpu_count]
    if not candidates:
        counts = sorted({m.gpu_count for m in machines})
        if not counts:
            if region is not None and cat.gpu_machines(gpu):
                raise NoMachine(f"GPU {gpu!r} is not offered on {cloud} in {region}")
            raise NoMachine(f"GPU {gpu!r} is not offered on {cloud}; offered: {sorted(cat.gpu_types())}")
        where = f" in {region}" if region is not None else ""
        raise NoMachine(f"no {cloud} machine{where} has {gpu_count}× {gpu}; counts offered{where}: {counts}")
    return min(candidates, key=lambda m: (m.usd_per_hour, m.name))


def spot_alternatives(
    cloud: Cloud, primary: Machine, *, region: str | None = None, limit: int = 3
) -> list[Machine]:
    """Machines interchangeable with `primary` for spot capacity diversity, `primary` first, then the
    cheapest: the same shape (GPU model and count, vCPUs, memory) and sold in `region` (or wherever
    `primary` is). Same shape because the cluster autoscaler models a mixed node group by its first
    instance type (kubernetes/autoscaler tag cluster-autoscaler-1.35.0, cloudprovider/aws/README.md,
    "Using Mixed Instances Policies and Spot Instances", read 2026-12-07: the types "should have the same
    amount of RAM and number of CPU cores"): a pod larger than the first type would never scale the group
    up, the cost table would price one size and the quota table another. Several capacity pools lower
    interruption."""
    cat = catalog(cloud)
    where = {region} if region is not None else set(primary.regions)
    same = [
        m
        for m in cat.machines
        if m.name != primary.name
        and (m.gpu, m.gpu_count, m.vcpu, m.memory_gib)
        == (primary.gpu, primary.gpu_count, primary.vcpu, primary.memory_gib)
        and where & set(m.regions)
    ]
    others = sorted(same, key=lambda m: (m.usd_per_hour, m.name))
    return [primary, *others][:limit]
