"""`build(spec)`: stand up the platform on the spec's cloud, importing only that cloud's package, then
the cloud-agnostic in-cluster layer on the cluster it made.

Which package stands a cloud up, and what it checks first, comes from the cloud's profile
(lepton_infra/profiles/): nothing here names a cloud."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pulumi

from lepton_infra.core.cloud import CloudPlatform, PlatformClass
from lepton_infra.core.errors import Problem, SpecError
from lepton_infra.core.quota import merged
from lepton_infra.core.volume_claims import VolumeRecorder
from lepton_infra.profiles import PROFILES
from lepton_infra.spec import PlatformSpec

if TYPE_CHECKING:
    from lepton_infra.kubernetes import PlatformAddons


@dataclass(frozen=True)
class BuiltPlatform:
    cloud: CloudPlatform  # the cloud's `Platform` component (core/cloud.py: the contract)
    addons: PlatformAddons
    outputs: dict[str, Any]  # the stack outputs: the cloud's, then the in-cluster layer's


def preflight(spec: PlatformSpec) -> list[Problem]:
    """What would stop `build` before any resource: the cloud's pre-flight checks (already part of the
    spec's validation, repeated for specs built another way), then whether its package can be imported."""
    profile = PROFILES[spec.cloud]
    problems = profile.preflight(spec)
    if not problems and (missing := profile.sdk_missing()) is not None:
        problems.append(
            Problem(
                "cloud",
                spec.cloud,
                f"the {profile.title} platform cannot be imported here ({missing} is not installed)",
                f"pip install 'lepton-infra[{spec.cloud}]'",
            )
        )
    return problems


def build(spec: PlatformSpec, opts: pulumi.ResourceOptions | None = None) -> BuiltPlatform:
    """Create the cloud's `Platform` for `spec`, then `PlatformAddons` (parented to it) on its cluster."""
    problems = preflight(spec)
    if problems:
        raise SpecError(problems)
    module = importlib.import_module(PROFILES[spec.cloud].platform_module)
    from lepton_infra.kubernetes import build_addons

    platform_class: PlatformClass = module.Platform
    # Sees every resource below the cloud's Platform (the in-cluster layer is parented to it): the
    # persistent volumes they claim, counted in the quota to request. It changes no resource.
    volumes = VolumeRecorder()
    opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(transformations=[volumes]))
    cloud = platform_class(spec.name, spec, opts)
    if not isinstance(cloud, pulumi.ComponentResource):
        raise TypeError(f"{module.__name__}.Platform is not a ComponentResource (docs/architecture.md)")
    warn_if_support_ends_soon(spec, cloud)
    addons = build_addons(spec, cloud.cluster_handle, pulumi.ResourceOptions(parent=cloud))
    # The hosts' addresses: the cloud's where it reserved them (GKE), else what the Ingresses report.
    outputs = cloud.outputs
    if not outputs.host_addresses and addons.host_addresses:
        outputs = replace(outputs, host_addresses=addons.host_addresses)
    if outputs.volume_quota is not None and volumes.claims:
        extra = outputs.volume_quota(volumes.claims, volumes.storage_classes)
        outputs = replace(outputs, quota_to_request=merged([*outputs.quota_to_request, *extra]))
    return BuiltPlatform(cloud=cloud, addons=addons, outputs={**outputs.to_stack_outputs(), **addons.outputs})


def warn_if_support_ends_soon(spec: PlatformSpec, resource: pulumi.Resource) -> None:
    """`pulumi up` says it too when the Kubernetes support in use ends within WARN_DAYS of the plan date
    (the offline report prints it in its `kubernetes` section)."""
    from lepton_infra.core.kubernetes_versions import PlanDateError, plan_date, status

    try:
        warning = status(spec.cloud, spec.cluster.version, plan_date()).warning(spec.cluster.support)
    except PlanDateError:
        return  # the spec's validation names the bad LEPTON_PLAN_DATE
    if warning:
        pulumi.log.warn(warning, resource)
