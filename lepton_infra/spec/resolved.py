"""The spec resolved once: every value the clouds used to derive on their own, decided in one place.

`resolve(spec)` turns a validated `PlatformSpec` into a frozen `ResolvedPlatform`: each pool's machine
(the catalog's cheapest fit in the spec's region; an explicit `machine_type` wins) and the machines a spot
pool may run, each pool's initial size, the pool that hosts the system pods, and every default that depends
on the environment or the cloud made concrete (zones, NAT, endpoint, protection, the chosen cloud's knobs).
Every cloud's `Platform`, its quota sums, the cost model and the policy report read this instead of
re-deriving it (docs/architecture.md, "Data flow"). Pure: the catalog and the profiles, no provider SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lepton_infra.catalog import Machine, spot_alternatives
from lepton_infra.core.env_defaults import filled
from lepton_infra.core.exposure import ExposedService, exposed_services
from lepton_infra.core.shared_filesystem import filesystem_offers
from lepton_infra.core.tagging import platform_tags
from lepton_infra.profiles import PROFILES
from lepton_infra.profiles.aws.resolved import ResolvedAws, resolve_aws
from lepton_infra.profiles.azure.resolved import ResolvedAzure, resolve_azure
from lepton_infra.profiles.gcp.resolved import ResolvedGcp, resolve_gcp
from lepton_infra.spec.cluster import EndpointAccess
from lepton_infra.spec.network import NatStrategy
from lepton_infra.spec.node_pool import NodePoolSpec
from lepton_infra.spec.platform import PlatformSpec
from lepton_infra.spec.served_model import ServedModel, served_model


@dataclass(frozen=True)
class ResolvedPool:
    """A node pool with what every cloud derives from it decided."""

    spec: NodePoolSpec
    machine: Machine  # the catalog's choice in the spec's region; an explicit `machine_type` wins
    # The machines the pool may run, `machine` first: a spot pool on a cloud whose pools take several types
    # (EKS) gets the same-shape ones sold in the region too (catalog/choose.py spot_alternatives), so spot
    # capacity comes from whichever has it.
    machines: tuple[Machine, ...]
    initial_nodes: int  # `desired`, else `min`; the autoscaler owns the count afterwards

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def instance_types(self) -> list[str]:
        return [m.name for m in self.machines]


@dataclass(frozen=True)
class ResolvedPlatform:
    """A validated spec with every environment and cloud default concrete (nothing here is Optional
    that the spec's defaults always fill)."""

    spec: PlatformSpec
    prod: bool  # environment is prod: the resilient, locked-down choices
    protect: bool  # stateful resources protected from deletion (`protect`, default on in prod)
    zones: int  # availability zones (`network.zones`)
    nat: NatStrategy  # `network.nat`
    endpoint: EndpointAccess  # `cluster.endpoint`
    tags: Mapping[str, str]  # the tags every taggable resource carries (core/tagging.py)
    pools: tuple[ResolvedPool, ...]  # in spec order
    system_pool: ResolvedPool  # the first pool that can host the system pods (spec/node_pool.py)
    exposed: tuple[ExposedService, ...]  # services behind a load balancer, with their hosts
    # The chosen cloud's knobs with their defaults decided (profiles/<cloud>/resolved.py); the other two
    # are None, as in the spec.
    aws: ResolvedAws | None = None
    gcp: ResolvedGcp | None = None
    azure: ResolvedAzure | None = None

    def served_model(self, service: str) -> ServedModel | None:
        """The model a service's engine serves, with its size (`size_bytes`) and its model cache
        (`cache_kind`, `cache_gib`); None for a service without an engine, or no such service."""
        svc = next((s for s in self.spec.services if s.name == service), None)
        return served_model(self.spec, svc) if svc is not None else None

    @property
    def name_prefix(self) -> str:
        """Cloud-side names: `<name>-<environment>`, so dev and prod can share an account."""
        return self.spec.stack_label

    @property
    def filesystem_capacity_gib(self) -> int:
        """The shared filesystem's size: `filesystem.capacity_gib`, else the smallest the cloud's offer
        accepts (core/data/shared_filesystems.yaml). Read only with `filesystem.enabled`, which the spec
        refuses on a cloud without an offer."""
        given = self.spec.filesystem.capacity_gib
        return given if given is not None else filesystem_offers()[self.spec.cloud].default_gib


def resolve_pool(spec: PlatformSpec, pool: NodePoolSpec) -> ResolvedPool:
    machine = pool.machine(spec.cloud, spec.region)
    choices = PROFILES[spec.cloud].spot_machine_choices
    spot_choices = pool.spot and choices > 1
    machines = (
        tuple(spot_alternatives(spec.cloud, machine, region=spec.region, limit=choices))
        if spot_choices
        else (machine,)
    )
    initial = pool.desired if pool.desired is not None else pool.min
    return ResolvedPool(spec=pool, machine=machine, machines=machines, initial_nodes=initial)


def resolve(spec: PlatformSpec) -> ResolvedPlatform:
    """The one resolution of a validated spec (a spec the rules refused raises here instead)."""
    pools = tuple(resolve_pool(spec, p) for p in spec.node_pools)
    system = next((p for p in pools if p.spec is spec.system_pool), None)
    if system is None:
        raise ValueError("no pool can host the system pods: validate the spec first (spec/apply_time.py)")
    return ResolvedPlatform(
        spec=spec,
        prod=spec.environment == "prod",
        protect=filled(spec.protect, "protect"),
        zones=filled(spec.network.zones, "network.zones"),
        nat=filled(spec.network.nat, "network.nat"),
        endpoint=filled(spec.cluster.endpoint, "cluster.endpoint"),
        tags=platform_tags(spec.name, spec.environment, spec.tags),
        pools=pools,
        system_pool=system,
        exposed=exposed_services(spec),
        aws=resolve_aws(spec) if spec.cloud == "aws" else None,
        gcp=resolve_gcp(spec) if spec.cloud == "gcp" else None,
        azure=resolve_azure(spec) if spec.cloud == "azure" else None,
    )
