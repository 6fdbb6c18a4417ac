"""`PlatformSpec`: the one typed description of a platform, on any cloud."""

from __future__ import annotations

from typing import Any, Literal

import pulumi
from pydantic import Field, ValidationError, model_validator

from lepton_infra.core.errors import SpecError
from lepton_infra.spec.base import PlatformName, SpecModel, TagKey, TagValue
from lepton_infra.spec.cloud_knobs import AwsKnobs, AzureKnobs, GcpKnobs
from lepton_infra.spec.cluster import ClusterSpec
from lepton_infra.spec.monitoring import BudgetSpec, MonitoringSpec
from lepton_infra.spec.network import NetworkSpec
from lepton_infra.spec.node_pool import NodePoolSpec
from lepton_infra.spec.problems import problems_from_validation_error
from lepton_infra.spec.service import ServiceSpec
from lepton_infra.spec.tenant import TenantSpec

Environment = Literal["dev", "staging", "prod"]
CloudName = Literal["aws", "gcp", "azure"]
CONFIG_NAMESPACE = "lepton"
CONFIG_KEY = "platform"


class PlatformSpec(SpecModel):
    name: PlatformName = Field(description="Platform name (3-20 chars, lowercase, digits, hyphens); "
                               "prefixes every cloud-side name.")
    environment: Environment = Field(description="dev | staging | prod. Drives the defaults that trade "
                                     "cost for resilience (NAT, endpoint, zones, protection).")
    cloud: CloudName = Field(description="aws (EKS) | gcp (GKE) | azure (AKS); each builds the same platform.")
    region: str = Field(description="Cloud region, e.g. us-east-1, us-central1, eastus.")
    network: NetworkSpec = Field(default_factory=NetworkSpec, description="Network layout.")
    cluster: ClusterSpec = Field(default_factory=ClusterSpec, description="Kubernetes control plane.")
    node_pools: list[NodePoolSpec] = Field(min_length=1, description="At least one pool; CPU pools "
                                           "host system workloads.")
    tenants: list[TenantSpec] = Field(default_factory=list, description="Isolated team namespaces.")
    services: list[ServiceSpec] = Field(default_factory=list, description="Inference services.")
    monitoring: MonitoringSpec = Field(default_factory=MonitoringSpec, description="Alerting.")
    budget: BudgetSpec | None = Field(default=None, description="Monthly budget with notifications.")
    tags: dict[TagKey, TagValue] = Field(
        default_factory=dict,
        description="Tags/labels on every taggable resource. Must include `team` or `owner`, and "
        "`cost-center`; `environment` and `platform` are added.",
    )
    protect: bool | None = Field(
        default=None,
        description="Protect stateful resources (keys, buckets, registries, clusters) from deletion. "
        "Default: on in prod, off otherwise.",
    )
    aws: AwsKnobs | None = Field(default=None, description="AWS-only settings.")
    gcp: GcpKnobs | None = Field(default=None, description="GCP-only settings (project required).")
    azure: AzureKnobs | None = Field(default=None, description="Azure-only settings (subscription_id required).")

    @model_validator(mode="before")
    @classmethod
    def _environment_defaults(cls, data: Any) -> Any:
        """Fill the defaults that depend on `environment` so the model holds concrete values."""
        if not isinstance(data, dict):
            return data
        prod = data.get("environment") == "prod"
        data = dict(data)
        network = dict(data.get("network") or {})
        network.setdefault("zones", 3 if prod else 2)
        network.setdefault("nat", "per-zone" if prod else "single")
        data["network"] = network
        cluster = dict(data.get("cluster") or {})
        cluster.setdefault("endpoint", "private" if prod else "public")
        data["cluster"] = cluster
        if data.get("protect") is None:
            data["protect"] = prod
        if data.get("cloud") == "aws":
            aws = dict(data.get("aws") or {})
            if aws.get("interface_endpoints") is None:
                aws["interface_endpoints"] = prod
            data["aws"] = aws
        return data

    @model_validator(mode="after")
    def _cross_field_rules(self) -> PlatformSpec:
        from lepton_infra.spec.rules import check_platform

        problems = check_platform(self)
        if problems:
            raise _CrossFieldProblems(problems)
        return self

    # --- construction -------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Any, source: str = "lepton:platform") -> PlatformSpec:
        """Validate raw data; raise `SpecError` listing every problem (never a pydantic traceback)."""
        if not isinstance(data, dict):
            from lepton_infra.core.errors import Problem

            raise SpecError([Problem("(root)", data, "the platform spec must be a mapping",
                                     "write it as `lepton:platform: {name: ..., cloud: ...}`")], source)
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            raise SpecError(problems_from_validation_error(err, data), source) from None

    @classmethod
    def from_config(cls) -> PlatformSpec:
        """Read `lepton:platform` from the stack's config (the only place config is read)."""
        config = pulumi.Config(CONFIG_NAMESPACE)
        try:
            raw = config.get_object(CONFIG_KEY)
        except Exception as err:  # malformed JSON in config is a user error, not a crash
            from lepton_infra.core.errors import Problem

            raise SpecError([Problem(f"{CONFIG_NAMESPACE}:{CONFIG_KEY}", "(unparseable)", str(err),
                                     "write the value as a YAML mapping")]) from None
        if raw is None:
            from lepton_infra.core.errors import MISSING, Problem

            raise SpecError([Problem(f"{CONFIG_NAMESPACE}:{CONFIG_KEY}", MISSING, "not set in the "
                                     "stack config", "add `lepton:platform:` to Pulumi.<stack>.yaml")])
        return cls.from_dict(raw)

    # --- derived facts --------------------------------------------------------------------------------

    @property
    def gpu_pools(self) -> list[NodePoolSpec]:
        return [p for p in self.node_pools if p.gpu is not None]

    @property
    def stack_label(self) -> str:
        return f"{self.name}-{self.environment}"


class _CrossFieldProblems(ValueError):
    """Carries the cross-field problems out of pydantic so they keep their paths."""

    def __init__(self, problems: list) -> None:
        super().__init__("; ".join(p.render() for p in problems))
        self.problems = problems
