"""`PlatformSpec`: the one typed description of a platform, on any cloud."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

import pulumi
from pydantic import Field, StringConstraints, TypeAdapter, ValidationError, model_validator

from lepton_infra.core.errors import SpecError
from lepton_infra.spec.base import PlatformName, SpecModel
from lepton_infra.spec.cloud_knobs import AwsKnobs, AzureKnobs, GcpKnobs
from lepton_infra.spec.cluster import ClusterSpec
from lepton_infra.spec.defaults import apply_environment_defaults
from lepton_infra.spec.jobs import JobsSpec
from lepton_infra.spec.monitoring import BudgetSpec, MonitoringSpec
from lepton_infra.spec.network import NetworkSpec
from lepton_infra.spec.node_pool import NodePoolSpec
from lepton_infra.spec.problems import problems_from_validation_error
from lepton_infra.spec.service import ServiceSpec
from lepton_infra.spec.tag_rules import AWS_TAGS, AZURE_TAGS, GCP_LABELS
from lepton_infra.spec.tenant import TenantSpec

Environment = Literal["dev", "staging", "prod"]
CloudName = Literal["aws", "gcp", "azure"]
CONFIG_NAMESPACE = "lepton"
CONFIG_KEY = "platform"


class PlatformSpec(SpecModel):
    name: PlatformName = Field(
        description="Platform name (3-20 chars, lowercase, digits, hyphens); prefixes every cloud-side name."
    )
    environment: Environment = Field(
        description="dev | staging | prod. Drives the defaults that trade "
        "cost for resilience (NAT, endpoint, zones, protection)."
    )
    cloud: CloudName = Field(
        description="aws (EKS) | gcp (GKE) | azure (AKS); each builds the same platform."
    )
    region: str = Field(description="Cloud region, e.g. us-east-1, us-central1, eastus.")
    network: NetworkSpec = Field(default_factory=NetworkSpec, description="Network layout.")
    cluster: ClusterSpec = Field(default_factory=ClusterSpec, description="Kubernetes control plane.")
    node_pools: list[NodePoolSpec] = Field(
        min_length=1,
        description="At least one pool; CPU pools "
        "host system workloads, so at least one non-GPU, on-demand pool "
        "with min >= 1 is required.",
    )
    tenants: list[TenantSpec] = Field(default_factory=list, description="Isolated team namespaces.")
    services: list[ServiceSpec] = Field(default_factory=list, description="Inference services.")
    monitoring: MonitoringSpec = Field(default_factory=MonitoringSpec, description="Alerting.")
    jobs: JobsSpec = Field(
        default_factory=JobsSpec,
        description="Queued, quota-fair scheduling of batch and training jobs (Kueue). Default off.",
    )
    budget: BudgetSpec | None = Field(default=None, description="Monthly budget with notifications.")
    tags: dict[Annotated[str, StringConstraints(min_length=1)], str] = Field(
        default_factory=dict,
        description="Tags/labels on every taggable resource. Must include `team` or `owner`, and "
        "`cost-center`; `environment`, `platform` (the name), `deployment` (`<name>-<environment>`, "
        "what budgets filter on) and `managed-by` are added and may not be set here. Checked against the "
        f"chosen cloud's rules: {AWS_TAGS.description}. {GCP_LABELS.description}. "
        f"{AZURE_TAGS.description}. Quote numbers (`cost-center: '1234'`).",
    )
    protect: bool | None = Field(
        default=None,
        description="Protect stateful resources (keys, buckets, registries, clusters) from deletion. "
        "Default: on in prod, off otherwise.",
    )
    generation: int = Field(
        default=1,
        ge=1,
        description="Which deployment of this name and environment in its account this is, for the names "
        "a `pulumi destroy` leaves held (core/data/held_names.yaml): GCP's KMS key ring and key (never "
        "deleted) and Azure's Key Vault (held for its 90-day soft-delete retention under purge protection). "
        "Default 1: the names carry no suffix. Before `up` where a platform of the same name and environment "
        "was destroyed, raise it by one: those names end in `-g<N>`. Never change it on a running platform: "
        "it replaces the key and everything encrypted with it (refused in prod, where the key is protected).",
    )
    aws: AwsKnobs | None = Field(default=None, description="AWS-only settings.")
    gcp: GcpKnobs | None = Field(default=None, description="GCP-only settings (project required).")
    azure: AzureKnobs | None = Field(
        default=None, description="Azure-only settings (subscription_id required)."
    )

    @model_validator(mode="before")
    @classmethod
    def _environment_defaults(cls, data: Any) -> Any:
        """Fill the defaults that depend on `environment` (spec/defaults.py) so the model holds concrete
        values."""
        return apply_environment_defaults(data) if isinstance(data, dict) else data

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

            raise SpecError(
                [
                    Problem(
                        "(root)",
                        data,
                        "the platform spec must be a mapping",
                        "write it as `lepton:platform: {name: ..., cloud: ...}`",
                    )
                ],
                source,
            )
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            problems = problems_from_validation_error(err, cls)
            if _has_field_errors(err):  # the cross-field rules did not run: run them on what did validate
                from lepton_infra.spec.rules import check_platform

                problems.extend(check_platform(_partial_spec(data)))
            raise SpecError(problems, source) from None

    @classmethod
    def from_config(cls) -> PlatformSpec:
        """Read `lepton:platform` from the stack's config (the only place config is read)."""
        config = pulumi.Config(CONFIG_NAMESPACE)
        try:
            raw = config.get_object(CONFIG_KEY)
        except Exception as err:  # malformed JSON in config is a user error, not a crash
            from lepton_infra.core.errors import Problem

            raise SpecError(
                [
                    Problem(
                        f"{CONFIG_NAMESPACE}:{CONFIG_KEY}",
                        "(unparseable)",
                        str(err),
                        "write the value as a YAML mapping",
                    )
                ]
            ) from None
        if raw is None:
            from lepton_infra.core.errors import MISSING, Problem

            raise SpecError(
                [
                    Problem(
                        f"{CONFIG_NAMESPACE}:{CONFIG_KEY}",
                        MISSING,
                        "not set in the stack config",
                        "add `lepton:platform:` to Pulumi.<stack>.yaml",
                    )
                ]
            )
        spec = cls.from_dict(raw)
        from lepton_infra.spec.provider_config import PROVIDER_KEYS, provider_config_conflicts

        given = {key: pulumi.Config(key.split(":")[0]).get(key.split(":")[1]) for key in PROVIDER_KEYS}
        if conflicts := provider_config_conflicts(spec, given):
            raise SpecError(conflicts, "stack config")
        return spec

    # --- derived facts --------------------------------------------------------------------------------

    @property
    def gpu_pools(self) -> list[NodePoolSpec]:
        return [p for p in self.node_pools if p.gpu is not None]

    @property
    def stack_label(self) -> str:
        from lepton_infra.core.tagging import deployment_name

        return deployment_name(self.name, self.environment)


def _has_field_errors(err: ValidationError) -> bool:
    return any(getattr((e.get("ctx") or {}).get("error"), "problems", None) is None for e in err.errors())


@cache
def _field_adapter(name: str) -> TypeAdapter[Any]:
    field = PlatformSpec.model_fields[name]
    annotated: Any = Annotated[field.annotation, field]  # the field's type with its constraints
    return TypeAdapter(annotated)


def _partial_spec(data: dict[str, Any]) -> PlatformSpec:
    """A spec holding only the top-level fields that validate on their own; the others are absent, so
    the rules that need them are skipped (spec/checks.py) and every other rule still runs."""
    data = apply_environment_defaults(data)
    values: dict[str, Any] = {}
    broken: list[str] = []
    for name, field in PlatformSpec.model_fields.items():
        if name not in data:
            if field.is_required():
                broken.append(name)
            continue
        try:
            values[name] = _field_adapter(name).validate_python(data[name])
        except ValidationError:
            broken.append(name)
    spec = PlatformSpec.model_construct(**values)
    fields: dict[str, Any] = vars(spec)  # model_construct filled defaults in: take the broken ones out
    for name in broken:
        fields.pop(name, None)
    return spec


class _CrossFieldProblems(ValueError):
    """Carries the cross-field problems out of pydantic so they keep their paths."""

    def __init__(self, problems: list) -> None:
        super().__init__("; ".join(p.render() for p in problems))
        self.problems = problems
