"""`lepton-infra nccl-test`: the NCCL all-reduce proof for a fabric pool of a stack, as manifests to apply
after `up` (kubernetes/jobs/nccl_test.py), with the bus bandwidth the pool's machine should reach. Read from
the stack's spec alone: no plan runs."""

from __future__ import annotations

import json
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.markup import escape

from lepton_infra.catalog.fabric import fabric_of
from lepton_infra.cli.failures import spec_text
from lepton_infra.cli.options import StackDir, StackName
from lepton_infra.core.conventions import PLATFORM_CONFIG_KEY
from lepton_infra.core.errors import SpecError

EXIT_BAD_INPUT = 2
_err = Console(stderr=True, emoji=False)


def _refuse(message: str) -> typer.Exit:
    _err.print(f"[bold red]error:[/bold red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


def nccl_test(
    stack_dir: StackDir,
    stack: StackName,
    pool: Annotated[str, typer.Option("--pool", metavar="NAME", help="The fabric pool (`fabric: auto`).")],
    image: Annotated[
        str,
        typer.Option(
            "--image",
            metavar="IMAGE",
            help="PyTorch with NCCL and the fabric's NCCL plugin (EFA: aws-ofi-nccl and libfabric).",
        ),
    ],
    tenant: Annotated[
        str | None,
        typer.Option("--tenant", metavar="NAME", help="The tenant whose queue runs it. Default: the first."),
    ] = None,
    nodes: Annotated[int, typer.Option("--nodes", min=2, help="Nodes to run over (at least 2).")] = 2,
) -> None:
    """Print the NCCL all-reduce test of a fabric pool (kubectl apply -f -) and the busbw to expect."""
    from lepton_infra.kubernetes.jobs.nccl_test import nccl_test_manifests
    from lepton_infra.plan.stackfiles import load_stack
    from lepton_infra.spec import PlatformSpec

    try:
        files = load_stack(stack_dir, stack)
        spec = PlatformSpec.from_dict(json.loads(files.config.get(PLATFORM_CONFIG_KEY, "null")))
    except SpecError as exc:
        raise _refuse(spec_text(exc)) from None
    chosen = next((p for p in spec.node_pools if p.name == pool), None)
    fabric_pools = [p.name for p in spec.node_pools if p.fabric == "auto"]
    if chosen is None or chosen.fabric != "auto":
        raise _refuse(f"--pool {pool}: not a fabric pool of {stack} (fabric pools: {fabric_pools or 'none'})")
    if nodes > chosen.max:
        raise _refuse(f"--nodes {nodes}: pool {pool} scales to {chosen.max} nodes at most")
    names = [t.name for t in spec.tenants]
    who = tenant or (names[0] if names else None)
    if who is None or who not in names:
        raise _refuse(f"--tenant {tenant}: not a tenant of {stack} (tenants: {names or 'none'})")
    machine = chosen.machine(spec.cloud, spec.region)
    fabric = fabric_of(spec.cloud, machine.name)
    assert fabric is not None  # the spec refuses fabric: auto on a machine without one
    docs = nccl_test_manifests(
        tenant=who, pool=pool, machine=machine, fabric=fabric, nodes=nodes, image=image
    )
    typer.echo(yaml.safe_dump_all(docs, sort_keys=False), nl=False)
    _err.print(
        f"# {pool}: {machine.name}, {fabric.kind} {fabric.gbps} Gbps over {fabric.interfaces} interfaces = "
        f"{fabric.per_gpu_gbytes_per_s:g} GB/s per GPU; the Job passes at busbw >= "
        f"{fabric.expected_busbw_gbytes_per_s:g} GB/s (source: {fabric.source} Read {fabric.read}.)",
        highlight=False,
        soft_wrap=True,
    )
