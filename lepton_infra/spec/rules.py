"""Cross-field rules of `PlatformSpec` that hold on every cloud. Each rule declares the top-level fields
it reads (`@rule(...)`, core/spec_checks.py), so a field that failed validation skips only the rules that need
it and all the others still report: one error lists every problem at once. A cloud's own rules live in
its profile (lepton_infra/profiles/) and run as its pre-flight, reported in the same error. Pure: the
catalog and CIDR maths only, no provider SDK."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Network
from typing import TYPE_CHECKING

from lepton_infra.catalog import NoMachine, catalog, gpu_models
from lepton_infra.core.cidr import CidrTooSmall, largest_prefix_for, plan_subnets
from lepton_infra.core.errors import Problem, choose_from
from lepton_infra.core.spec_checks import Rule, invalid_fields, rule, run_rules
from lepton_infra.core.tagging import missing_required_tags, platform_tags
from lepton_infra.cost.prices import price_keys
from lepton_infra.profiles import PROFILES
from lepton_infra.spec.alerting_rules import ALERTING_RULES
from lepton_infra.spec.apply_time import APPLY_TIME_RULES
from lepton_infra.spec.capacity_rules import CAPACITY_RULES
from lepton_infra.spec.chart_rules import CHART_RULES
from lepton_infra.spec.endpoint_rules import ENDPOINT_RULES
from lepton_infra.spec.exposure_rules import EXPOSURE_RULES
from lepton_infra.spec.fabric_rules import FABRIC_RULES
from lepton_infra.spec.filesystem_rules import FILESYSTEM_RULES
from lepton_infra.spec.image_streaming import STREAMING_RULES
from lepton_infra.spec.jobs_rules import JOBS_RULES
from lepton_infra.spec.model_rules import MODEL_RULES
from lepton_infra.spec.reservation_rules import RESERVATION_RULES
from lepton_infra.spec.reserved_pools import RESERVED_POOL_RULES
from lepton_infra.spec.service_rules import SERVICE_RULES
from lepton_infra.spec.tenant_rules import TENANT_RULES
from lepton_infra.spec.topology_rules import TOPOLOGY_RULES
from lepton_infra.spec.version_rules import kubernetes_lifecycle

if TYPE_CHECKING:
    from lepton_infra.spec.node_pool import NodePoolSpec
    from lepton_infra.spec.platform import PlatformSpec

_CLOUDS = tuple(PROFILES)


def check_platform(spec: PlatformSpec) -> list[Problem]:
    """The generic rules, then the chosen cloud's pre-flight (when `cloud` itself validated)."""
    problems = run_rules(RULES, spec)
    if "cloud" not in invalid_fields(spec):
        problems.extend(PROFILES[spec.cloud].preflight(spec))
    return problems


@rule("cloud", *_CLOUDS)
def _cloud_knobs(spec: PlatformSpec) -> Iterator[Problem]:
    for cloud in _CLOUDS:
        if cloud != spec.cloud and getattr(spec, cloud) is not None:
            yield Problem(
                cloud,
                "(set)",
                f"settings for {cloud} but cloud is {spec.cloud}",
                f"remove the `{cloud}:` block or set cloud: {cloud}",
            )
    required = PROFILES[spec.cloud].knobs_required
    if required and getattr(spec, spec.cloud) is None:
        yield Problem(spec.cloud, None, f"cloud {spec.cloud} needs its `{spec.cloud}:` settings", required)


def _unique(field: str) -> Rule:
    @rule(field)
    def _unique_names(spec: PlatformSpec) -> Iterator[Problem]:
        seen: set[str] = set()
        for i, item in enumerate(getattr(spec, field)):
            if item.name in seen:
                yield Problem(
                    f"{field}[{i}].name",
                    item.name,
                    f"duplicate {field[:-1].replace('_', ' ')} name",
                    "give each one a unique name",
                )
            seen.add(item.name)

    return _unique_names


@rule("cloud", "node_pools")
def _pool_names(spec: PlatformSpec) -> Iterator[Problem]:
    name_rule = PROFILES[spec.cloud].pool_name
    for i, pool in enumerate(spec.node_pools):
        if not name_rule.ok(pool.name):
            yield Problem(
                f"node_pools[{i}].name",
                pool.name,
                f"not a valid {spec.cloud} node pool name ({name_rule.description})",
                "rename the pool",
            )


def _machine_region(spec: PlatformSpec, pool: NodePoolSpec) -> str | None:
    """The region a pool's machine is chosen in, as the resolution chooses it (spec/resolved.py); None
    where `_region` already refuses the region or the GPU there, so one cause is reported once."""
    cat = catalog(spec.cloud)
    if spec.region not in cat.regions:
        return None
    if (
        pool.gpu is not None
        and (offered := cat.regions_for_gpu(pool.gpu.type))
        and spec.region not in offered
    ):
        return None
    return spec.region


@rule("cloud", "region", "node_pools")
def _pools(spec: PlatformSpec) -> Iterator[Problem]:
    known_gpus = gpu_models()
    for i, pool in enumerate(spec.node_pools):
        path = f"node_pools[{i}]"
        if pool.min > pool.max:
            yield Problem(f"{path}.min", pool.min, f"greater than max {pool.max}", "lower min or raise max")
        if pool.desired is not None and not pool.min <= pool.desired <= pool.max:
            yield Problem(
                f"{path}.desired",
                pool.desired,
                f"outside [min {pool.min}, max {pool.max}]",
                "set desired between min and max, or omit it",
            )
        if pool.spot and pool.min > 0:
            yield Problem(
                f"{path}.min",
                pool.min,
                "spot pools must be able to reach zero (capacity is reclaimed at any time)",
                "set min: 0 or spot: false",
            )
        if pool.gpu is not None and pool.gpu.type not in known_gpus:
            yield Problem(
                f"{path}.gpu.type",
                pool.gpu.type,
                "unknown GPU type",
                choose_from(pool.gpu.type, sorted(known_gpus)),
            )
            continue
        try:
            pool.machine(spec.cloud, _machine_region(spec, pool))
        except NoMachine as err:
            field = "machine_type" if pool.machine_type else ("gpu" if pool.gpu else "cpu")
            value = pool.machine_type or (pool.gpu.model_dump() if pool.gpu else pool.cpu)
            yield Problem(f"{path}.{field}", value, str(err), "pick a machine the catalog lists")


@rule("cloud", "region", "environment", "network", "node_pools")
def _region(spec: PlatformSpec) -> Iterator[Problem]:
    cat = catalog(spec.cloud)
    if spec.region not in cat.regions:
        yield Problem(
            "region",
            spec.region,
            f"not a region the {spec.cloud} catalog knows",
            choose_from(spec.region, sorted(cat.regions)),
        )
        return
    zones = spec.network.zones or 0
    if zones > cat.regions[spec.region]:
        yield Problem(
            "network.zones",
            zones,
            f"{spec.region} has {cat.regions[spec.region]} zones",
            f"use at most {cat.regions[spec.region]}",
        )
    for i, pool in enumerate(spec.node_pools):
        if pool.gpu is None or pool.gpu.type not in gpu_models():
            continue
        offered = cat.regions_for_gpu(pool.gpu.type)
        if offered and spec.region not in offered:
            yield Problem(
                f"node_pools[{i}].gpu.type",
                pool.gpu.type,
                f"not offered in region {spec.region}",
                f"offered in: {', '.join(sorted(offered))}",
            )


@rule("environment", "network")
def _network(spec: PlatformSpec) -> Iterator[Problem]:
    net = spec.network
    zones = net.zones or 0
    min_zones = 2
    if zones < min_zones:
        yield Problem(
            "network.zones",
            zones,
            "managed Kubernetes needs subnets in at least 2 zones",
            "set zones: 2 or more",
        )
    if spec.environment == "prod" and zones < 3:
        yield Problem(
            "network.zones", zones, "prod needs 3 zones to survive a zone outage", "set zones: 3 or more"
        )
    if not net.cidr.is_private or net.cidr.is_loopback or not _is_rfc1918(net.cidr):
        yield Problem(
            "network.cidr",
            str(net.cidr),
            "not a private RFC 1918 range",
            "use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
        )
    elif zones >= 1:
        try:
            plan_subnets(net.cidr, zones)
        except CidrTooSmall:
            yield Problem(
                "network.cidr",
                str(net.cidr),
                f"too small for {zones} zones",
                f"use a /{largest_prefix_for(zones)} or larger",
            )
    if net.cidr.overlaps(net.service_cidr):
        yield Problem(
            "network.service_cidr",
            str(net.service_cidr),
            f"overlaps network.cidr {net.cidr}",
            "pick a service range outside the VPC range",
        )


def _is_rfc1918(cidr: IPv4Network) -> bool:
    return any(cidr.subnet_of(IPv4Network(r)) for r in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


@rule("tags")
def _required_tags(spec: PlatformSpec) -> Iterator[Problem]:
    # platform_tags() sets these itself; a user value would be silently overwritten.
    for key in sorted(set(platform_tags("x", "dev", {})) & set(spec.tags)):
        yield Problem(
            f"tags.{key}",
            spec.tags[key],
            "set by the platform itself (one meaning per key)",
            f"remove `{key}` from tags",
        )
    for missing in missing_required_tags(spec.tags):
        yield Problem(
            "tags",
            dict(spec.tags),
            f"missing required tag {missing}",
            f"add {missing.split(' or ')[0]}: <value> under tags",
        )


@rule("cloud", "tags")
def _cloud_tag_rules(spec: PlatformSpec) -> Iterator[Problem]:
    yield from PROFILES[spec.cloud].tags.problems(spec.tags)


@rule("cloud", "budget")
def _price_overrides(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.budget is None or not spec.budget.price_overrides:
        return

    known = price_keys(spec.cloud)
    for key in spec.budget.price_overrides:
        if key not in known:
            yield Problem(
                f"budget.price_overrides.{key}",
                key,
                f"not a {spec.cloud} machine type or fee the "
                "cost model prices (the override would be ignored)",
                choose_from(key, known, limit=8),
            )


# Order is the order problems are reported in.
@rule("environment", "cluster")
def _trimmed_requests_in_prod(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.environment == "prod" and spec.cluster.trim_system_requests:
        yield Problem(
            "cluster.trim_system_requests",
            True,
            "prod keeps the charts' CPU requests: the interceptor of every scale-to-zero service would lose "
            "its guaranteed CPU share",
            "remove cluster.trim_system_requests (off in prod)",
        )


RULES: tuple[Rule, ...] = (
    _cloud_knobs,
    _unique("node_pools"),
    _unique("tenants"),
    _unique("services"),
    _unique("models"),
    _pool_names,
    _pools,
    *FABRIC_RULES,
    _region,
    _network,
    _trimmed_requests_in_prod,
    *ENDPOINT_RULES,
    *TENANT_RULES,
    *SERVICE_RULES,
    *MODEL_RULES,
    *RESERVED_POOL_RULES,
    *RESERVATION_RULES,
    *TOPOLOGY_RULES,
    *STREAMING_RULES,
    *CAPACITY_RULES,
    *JOBS_RULES,
    *EXPOSURE_RULES,
    *FILESYSTEM_RULES,
    *ALERTING_RULES,
    _required_tags,
    _cloud_tag_rules,
    _price_overrides,
    *CHART_RULES,
    kubernetes_lifecycle,
    *APPLY_TIME_RULES,
)
