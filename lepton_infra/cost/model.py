"""The cost model: one rule per priced resource type, over the plan's recorded inputs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from lepton_infra.catalog import HOURS_PER_MONTH, Cloud
from lepton_infra.core.conventions import POOL_LABEL
from lepton_infra.cost.prices import Price, PriceBook
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.spec.platform import PlatformSpec, spec_in_config


@dataclass(frozen=True)
class CostItem:
    urn: str
    type: str
    name: str
    category: str  # node_pool | control_plane | nat | kms | endpoint | load_balancer | logs | dns
    usd_per_hour: float  # per unit
    idle_units: float
    max_units: float
    price_source: str
    price_date: str
    pool: str | None = None
    machine_type: str | None = None
    gpus_per_unit: int = 0
    note: str | None = None

    @property
    def monthly_usd_idle(self) -> float:
        return round(self.usd_per_hour * self.idle_units * HOURS_PER_MONTH, 2)

    @property
    def monthly_usd_max(self) -> float:
        return round(self.usd_per_hour * self.max_units * HOURS_PER_MONTH, 2)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["monthly_usd_idle"] = self.monthly_usd_idle
        out["monthly_usd_max"] = self.monthly_usd_max
        return out


@dataclass
class CostReport:
    items: list[CostItem]
    tenants: list[dict[str, Any]] = field(default_factory=list)

    @property
    def monthly_usd_idle(self) -> float:
        return round(sum(i.monthly_usd_idle for i in self.items), 2)

    @property
    def monthly_usd_max(self) -> float:
        return round(sum(i.monthly_usd_max for i in self.items), 2)

    def node_pools(self) -> list[CostItem]:
        return [i for i in self.items if i.category == "node_pool"]

    def to_json(self) -> dict[str, Any]:
        return {
            "monthly_usd_idle": self.monthly_usd_idle,
            "monthly_usd_max": self.monthly_usd_max,
            "items": [i.to_json() for i in self.items],
            "node_pools": [
                {
                    "pool": i.pool,
                    "machine_type": i.machine_type,
                    "min": i.idle_units,
                    "max": i.max_units,
                    "monthly_usd_idle": i.monthly_usd_idle,
                    "monthly_usd_max": i.monthly_usd_max,
                }
                for i in self.node_pools()
            ],
            "tenants": self.tenants,
            "hours_per_month": HOURS_PER_MONTH,
        }


Rule = Callable[[RecordedResource, PlannedGraph, PriceBook], Iterator[CostItem]]
RULES: dict[str, Rule] = {}


def rule(*types: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for t in types:
            RULES[t] = fn
        return fn

    return register


def _item(r: RecordedResource, category: str, price: Price, idle: float, max_: float, **kw: Any) -> CostItem:
    return CostItem(
        urn=r.urn,
        type=r.type,
        name=r.name,
        category=category,
        usd_per_hour=price.usd_per_hour,
        idle_units=idle,
        max_units=max_,
        price_source=price.source,
        price_date=price.date,
        **kw,
    )


def _pool_item(
    r: RecordedResource,
    cloud: Cloud,
    book: PriceBook,
    machine_type: str,
    spot: bool,
    min_nodes: float,
    max_nodes: float,
    labels: dict[str, Any] | None,
) -> CostItem:
    price, machine = book.machine(cloud, machine_type, spot)
    pool = str((labels or {}).get(POOL_LABEL) or r.name)
    return _item(
        r,
        "node_pool",
        price,
        min_nodes,
        max_nodes,
        pool=pool,
        machine_type=machine_type,
        gpus_per_unit=machine.gpu_count if machine else 0,
        note="spot" if spot else None,
    )


# --- AWS ---------------------------------------------------------------------------------------------


@rule("aws:eks/nodeGroup:NodeGroup")
def _eks_node_group(r: RecordedResource, graph: PlannedGraph, book: PriceBook) -> Iterator[CostItem]:
    types = r.get("instanceTypes") or []
    if not types:  # the instance type may live on the launch template instead
        for lt in graph.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
            if lt.urn in r.dependencies and lt.get("instanceType"):
                types = [lt.get("instanceType")]
                break
    if not types:
        return
    scaling = r.get("scalingConfig") or {}
    yield _pool_item(
        r,
        "aws",
        book,
        str(types[0]),
        r.get("capacityType") == "SPOT",
        float(scaling.get("minSize", 0)),
        float(scaling.get("maxSize", 0)),
        r.get("labels"),
    )


@rule("aws:ec2/natGateway:NatGateway")
def _aws_nat(r, graph, book):
    yield _item(r, "nat", book.fee("aws-nat-gateway"), 1, 1, note="plus $0.045/GB processed (usage)")


@rule("aws:kms/key:Key")
def _aws_kms(r, graph, book):
    yield _item(r, "kms", book.fee("aws-kms-key"), 1, 1)


@rule("aws:ec2/vpcEndpoint:VpcEndpoint")
def _aws_endpoint(r, graph, book):
    if r.get("vpcEndpointType") == "Interface":
        zones = len(r.get("subnetIds") or []) or 1
        yield _item(r, "endpoint", book.fee("aws-interface-endpoint-per-az"), zones, zones)


@rule("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
def _aws_lb(r, graph, book):
    yield _item(r, "load_balancer", book.fee("aws-load-balancer"), 1, 1)


@rule("aws:cloudwatch/logGroup:LogGroup", "gcp:logging/projectSink:ProjectSink")
def _logs(r, graph, book):
    monthly, assumption = book.log_ingestion_monthly()
    price = Price(monthly / HOURS_PER_MONTH, assumption, "assumption")
    yield _item(r, "logs", price, 1, 1, note=assumption)


# --- GCP ---------------------------------------------------------------------------------------------

_ZONE = re.compile(r"-[a-z]$")


@rule("gcp:container/nodePool:NodePool")
def _gke_node_pool(r, graph, book):
    machine_type = r.get("nodeConfig.machineType")
    if not machine_type:
        return
    auto = r.get("autoscaling") or {}
    if "totalMinNodeCount" in auto or "totalMaxNodeCount" in auto:
        lo, hi = float(auto.get("totalMinNodeCount", 0)), float(auto.get("totalMaxNodeCount", 0))
    else:
        locations = r.get("nodeLocations") or []
        zonal = bool(_ZONE.search(str(r.get("location") or "")))
        zones = len(locations) or (1 if zonal else 3)  # a regional pool spans 3 zones by default
        base = float(r.get("nodeCount") or r.get("initialNodeCount") or 0)
        lo = float(auto.get("minNodeCount", base)) * zones
        hi = float(auto.get("maxNodeCount", base)) * zones
    spot = bool(r.get("nodeConfig.spot") or r.get("nodeConfig.preemptible"))
    yield _pool_item(r, "gcp", book, str(machine_type), spot, lo, hi, r.get("nodeConfig.labels"))


@rule("gcp:kms/cryptoKey:CryptoKey")
def _gcp_kms(r, graph, book):
    yield _item(r, "kms", book.fee("gcp-kms-key"), 1, 1)


@rule("gcp:compute/routerNat:RouterNat")
def _cloud_nat(r, graph, book):
    pools = [
        i for p in graph.of_type("gcp:container/nodePool:NodePool") for i in _gke_node_pool(p, graph, book)
    ]
    idle_vms = min(32.0, sum(i.idle_units for i in pools))
    max_vms = min(32.0, sum(i.max_units for i in pools))
    yield _item(
        r,
        "nat",
        book.fee("gcp-cloud-nat-per-vm"),
        idle_vms,
        max_vms,
        note="per VM-hour, capped at 32 VMs; plus $0.045/GB processed (usage)",
    )


# --- Azure -------------------------------------------------------------------------------------------


@rule("azure-native:containerservice:AgentPool")
def _aks_pool(r, graph, book):
    if r.get("vmSize"):
        yield _pool_item(
            r,
            "azure",
            book,
            str(r.get("vmSize")),
            r.get("scaleSetPriority") == "Spot",
            float(r.get("minCount") or r.get("count") or 0),
            float(r.get("maxCount") or r.get("count") or 0),
            r.get("nodeLabels"),
        )


@rule("azure-native:containerregistry:Registry")
def _acr(r, graph, book):
    yield _item(r, "registry", book.fee(f"acr-{str(r.get('sku.name') or 'Basic').lower()}"), 1, 1)


@rule("azure-native:network:PrivateEndpoint")
def _private_endpoint(r, graph, book):
    yield _item(
        r,
        "private_endpoint",
        book.fee("azure-private-endpoint"),
        1,
        1,
        note="plus $0.01/GB processed (usage)",
    )


@rule("azure-native:network:NatGateway")
def _azure_nat(r, graph, book):
    yield _item(r, "nat", book.fee("azure-nat-gateway"), 1, 1)


# --- the estimate ------------------------------------------------------------------------------------


def estimate_cost(graph: PlannedGraph) -> CostReport:
    """Price every recognised resource of the plan; tenants priced when the plan carries a platform spec."""
    spec = spec_in_config(graph.config)
    book = PriceBook(
        dict(spec.budget.price_overrides) if spec and spec.budget else None,
        region=spec.region if spec else None,
    )
    items = [item for r in graph.managed if (fn := RULES.get(r.type)) for item in fn(r, graph, book)]
    report = CostReport(items=items)
    if spec:
        report.tenants = tenant_costs(spec, report.node_pools())
    return report


def tenant_costs(spec: PlatformSpec, pools: list[CostItem]) -> list[dict[str, Any]]:
    """A tenant's GPU quota priced at the cheapest GPU-hour among pools offering its services' GPU types
    (any GPU pool when it runs no GPU service)."""
    pool_gpu = {p.name: p.gpu.type for p in spec.gpu_pools if p.gpu}
    gpu_hour: dict[str, tuple[float, str]] = {}
    for item in pools:
        gpu = pool_gpu.get(item.pool or "")
        if gpu and item.gpus_per_unit:
            per_gpu = item.usd_per_hour / item.gpus_per_unit
            if gpu not in gpu_hour or per_gpu < gpu_hour[gpu][0]:
                gpu_hour[gpu] = (per_gpu, item.pool or "")
    out = []
    for tenant in spec.tenants:
        wanted = {s.gpu.type for s in spec.services if s.tenant == tenant.name and s.gpu}
        options = [gpu_hour[g] for g in (wanted or set(gpu_hour)) if g in gpu_hour]
        quota = tenant.gpu_quota
        if not options or quota == 0:
            out.append({"tenant": tenant.name, "gpu_quota": quota, "pool": None, "monthly_usd_at_quota": 0.0})
            continue
        per_gpu, pool = min(options)
        out.append(
            {
                "tenant": tenant.name,
                "gpu_quota": quota,
                "pool": pool,
                "usd_per_gpu_hour": round(per_gpu, 4),
                "monthly_usd_at_quota": round(quota * per_gpu * HOURS_PER_MONTH, 2),
            }
        )
    return out


# Load balancers the clouds' controllers create from routing objects: their rules register on import.
from lepton_infra.cost import control_planes as _control_planes  # noqa: E402, F401
from lepton_infra.cost import dns as _dns  # noqa: E402, F401
from lepton_infra.cost import load_balancers as _load_balancers  # noqa: E402, F401
