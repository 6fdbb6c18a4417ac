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
    candidates = [m for m in cat.gpu_machines(gpu) if m.gpu_count == gpu_count]
    if region is not None and candidates:
        candidates = [m for m in candidates if region in m.regions]
        if not candidates:
            there = sorted({m.gpu_count for m in cat.gpu_machines(gpu) if region in m.regions})
            raise NoMachine(
                f"no {cloud} machine with {gpu_count}× {gpu} is sold in {region}"
                + (f"; counts sold there: {there}" if there else "")
            )
    if not candidates:
        counts = sorted({m.gpu_count for m in cat.gpu_machines(gpu)})
        if not counts:
            raise NoMachine(f"GPU {gpu!r} is not offered on {cloud}; offered: {sorted(cat.gpu_types())}")
        raise NoMachine(f"no {cloud} machine has {gpu_count}× {gpu}; counts offered: {counts}")
    return min(candidates, key=lambda m: (m.usd_per_hour, m.name))


def spot_alternatives(cloud: Cloud, primary: Machine, limit: int = 3) -> list[Machine]:
    """Machines interchangeable with `primary` for spot capacity diversity: same GPU and count (or the
    same CPU class), cheapest first, `primary` first. Several pools of capacity lower interruption."""
    cat = catalog(cloud)
    same = [
        m
        for m in cat.machines
        if m.gpu == primary.gpu
        and m.gpu_count == primary.gpu_count
        and (primary.gpu is not None or m.cpu_class is not None)
        and set(primary.regions) & set(m.regions)
    ]
    others = sorted((m for m in same if m.name != primary.name), key=lambda m: (m.usd_per_hour, m.name))
    return [primary, *others][:limit]
