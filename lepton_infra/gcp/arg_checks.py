"""What the GCP components refuse in their plain-valued args, checked before they register anything.
Bounds come from the spec's own fields, so a component used on its own refuses what the spec refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.catalog import NoMachine, catalog, choose_machine
from lepton_infra.core.args import at_least, known, one_of, ordered
from lepton_infra.core.errors import Problem
from lepton_infra.profiles.gcp import PROFILE as GCP
from lepton_infra.spec import GpuRequest, NodePoolSpec
from lepton_infra.spec.problems import like_spec_field

if TYPE_CHECKING:
    from lepton_infra.gcp.node_pool import NodePoolArgs


def node_pool_problems(args: NodePoolArgs) -> Iterator[Problem]:
    yield from like_spec_field("pool_name", args.pool_name, NodePoolSpec, "name")
    if known(args.pool_name) and not GCP.pool_name.ok(args.pool_name):
        yield Problem("pool_name", args.pool_name, f"not a valid node pool name ({GCP.pool_name.description})",
                      "rename the pool")
    yield from like_spec_field("min_nodes", args.min_nodes, NodePoolSpec, "min")
    yield from like_spec_field("max_nodes", args.max_nodes, NodePoolSpec, "max")
    yield from ordered("min_nodes", args.min_nodes, "max_nodes", args.max_nodes)
    yield from at_least("initial_nodes_per_zone", args.initial_nodes_per_zone, 0)
    yield from like_spec_field("disk_gb", args.disk_gb, NodePoolSpec, "disk_gb")
    if args.gpu_type is not None:
        offered = sorted(catalog("gcp").gpu_types())
        if args.gpu_type not in offered:
            yield from one_of("gpu_type", args.gpu_type, offered, "GCP GPU type")
            return
        yield from like_spec_field("gpu_count", args.gpu_count, GpuRequest, "count")
    try:
        choose_machine("gcp", gpu=args.gpu_type, gpu_count=args.gpu_count, cpu_class=args.cpu_class,
                       explicit=args.machine_type)
    except NoMachine as err:
        field = "machine_type" if args.machine_type else ("gpu_count" if args.gpu_type else "cpu_class")
        value = getattr(args, field)
        yield Problem(field, value, str(err), "pick a machine the catalog lists")
