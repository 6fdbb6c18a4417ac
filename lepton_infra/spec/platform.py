"""`PlatformSpec`: the one typed description of a platform, on any cloud."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

import pulumi
from pydantic import Field, StringConstraints, ValidationError, model_validator

from lepton_infra.core.component import ComponentArgs
from lepton_infra.core.conventions import PLATFORM_CONFIG_KEY
from lepton_infra.core.errors import MISSING, Problem, SpecError
from lepton_infra.core.spec_model import SpecModel
from lepton_infra.core.tagging import deployment_name
from lepton_infra.profiles.aws.knobs import AwsKnobs
from lepton_infra.profiles.aws.tags import AWS_TAGS
from lepton_infra.profiles.azure.knobs import AzureKnobs
from lepton_infra.profiles.azure.tags import AZURE_TAGS
from lepton_infra.profiles.gcp.knobs import GcpKnobs
from lepton_infra.profiles.gcp.tags import GCP_LABELS
from lepton_infra.spec.base import PlatformName
from lepton_infra.spec.cluster import ClusterSpec
from lepton_infra.spec.defaults import apply_environment_defaults
from lepton_infra.spec.filesystem import FilesystemSpec
from lepton_infra.spec.jobs import JobsSpec
from lepton_infra.spec.model import ModelSpec
from lepton_infra.spec.monitoring import BudgetSpec, MonitoringSpec
from lepton_infra.spec.network import NetworkSpec
from lepton_infra.spec.node_pool import NodePoolSpec
from lepton_infra.spec.problems import field_adapter, problems_from_validation_error
from lepton_infra.spec.service import ServiceSpec
from lepton_infra.spec.tenant import TenantSpec

Environment = Literal["dev", "staging", "prod"]
CloudName = Literal["aws", "gcp", "azure"]


class PlatformSpec(SpecModel, ComponentArgs):
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
    models: list[ModelSpec] = Field(
        default_factory=list,
        description="Open-weight models that services' inference engines serve (`services[].model`). "
        "Default none.",
    )
    services: list[ServiceSpec] = Field(default_factory=list, description="Inference services.")
    monitoring: MonitoringSpec = Field(default_factory=MonitoringSpec, description="Alerting.")
    jobs: JobsSpec = Field(
        default_factory=JobsSpec,
        description="Queued, quota-fair scheduling of batch and training jobs (Kueue). Default off.",
    )
    filesystem: FilesystemSpec = Field(
        default_factory=FilesystemSpec,
        description="A shared parallel filesystem with a directory per tenant (docs/shared-filesystem.md). "
        "Default off: it is billed for its whole capacity while it exists.",
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
        "deleted), GCP's DNS-01 custom role (its id refused for 7-37 days) and Azure's Key Vault (held for "
        "its 90-day soft-delete retention under purge protection). "
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
        problems = _cross_field_rules()(self)
        if problems:
            raise _CrossFieldProblems(problems)
        return self

    # --- construction -------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Any, source: str = PLATFORM_CONFIG_KEY) -> PlatformSpec:
        """Validate raw data; raise `SpecError` listing every problem (never a pydantic traceback)."""
        if not isinstance(data, dict):
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
                problems.extend(_cross_field_rules()(_partial_spec(data)))
            raise SpecError(problems, source) from None

    @classmethod
    def from_config(cls) -> PlatformSpec:
        """Read `lepton:platform` from the stack's config (the only place config is read)."""
        namespace, key = PLATFORM_CONFIG_KEY.split(":")
        try:
            raw = pulumi.Config(namespace).get_object(key)
        except Exception as err:  # malformed JSON in config is a user error, not a crash
            raise SpecError(
                [
                    Problem(
                        PLATFORM_CONFIG_KEY,
                        "(unparseable)",
                        str(err),
                        "write the value as a YAML mapping",
                    )
                ]
            ) from None
        if raw is None:
            raise SpecError(
                [
                    Problem(
                        PLATFORM_CONFIG_KEY,
                        MISSING,
                        "not set in the stack config",
                        "add `lepton:platform:` to Pulumi.<stack>.yaml",
                    )
                ]
            )
        spec = cls.from_dict(raw)
        # Deferred like the rules (_cross_field_rules): each cloud's provider keys come from its profile.
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
    def system_pool(self) -> NodePoolSpec | None:
        """The first pool that can host the system pods (`NodePoolSpec.hosts_system_pods`); a spec without
        one is refused (spec/apply_time.py), so None only on a spec that did not validate."""
        return next((p for p in self.node_pools if p.hosts_system_pods), None)

    @property
    def stack_label(self) -> str:
        return deployment_name(self.name, self.environment)

    def problems(self) -> list[Problem]:
        """The args contract of a cloud's `Platform` (core/component.py): the spec's rules and the cloud's
        pre-flight, run again on this instance. A spec built through pydantic passed them already (empty);
        this catches one built around validation (`model_construct`, `model_copy(update=...)`)."""
        from lepton_infra.spec.rules import check_platform

        return check_platform(self)


def spec_in_config(config: Mapping[str, Any]) -> PlatformSpec | None:
    """The platform spec a program's stack config holds (a recorded plan's `config`: values as JSON text
    or already parsed), validated as `from_config` validates it. None when there is none, or when it is not
    a valid spec: a program could not have built a platform from it (the cost model and the policy report
    then read the plan alone)."""
    raw = config.get(PLATFORM_CONFIG_KEY)
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return None
    if not isinstance(raw, dict):
        return None
    try:
        return PlatformSpec.from_dict(raw)
    except SpecError:
        return None


def _cross_field_rules() -> Callable[[PlatformSpec], list[Problem]]:
    """The cross-field rules and the cloud's pre-flight (spec/rules.py). They read a finished PlatformSpec,
    and name it in their signatures, so they import this module and not the reverse: the model reaches
    them only when a spec is validated (tests/unit/test_import_cycles.py keeps the imports acyclic)."""
    from lepton_infra.spec.rules import check_platform

    return check_platform


def _has_field_errors(err: ValidationError) -> bool:
    return any(getattr((e.get("ctx") or {}).get("error"), "problems", None) is None for e in err.errors())


def _partial_spec(data: dict[str, Any]) -> PlatformSpec:
    """A spec holding only the top-level fields that validate on their own; the others are absent, so
    the rules that need them are skipped (core/spec_checks.py) and every other rule still runs."""
    data = apply_environment_defaults(data)
    values: dict[str, Any] = {}
    broken: list[str] = []
    for name, field in PlatformSpec.model_fields.items():
        if name not in data:
            if field.is_required():
                broken.append(name)
            continue
        try:
            values[name] = field_adapter(PlatformSpec, name).validate_python(data[name])
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
