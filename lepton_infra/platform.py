"""`build(spec)`: stand up the platform on the spec's cloud, importing only that cloud's package, then
the cloud-agnostic in-cluster layer on the cluster it made.

Which package stands a cloud up, and what it checks first, comes from the cloud's profile
(lepton_infra/profiles/): nothing here names a cloud."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import pulumi

from lepton_infra.core.errors import Problem, SpecError
from lepton_infra.profiles import PROFILES
from lepton_infra.spec import PlatformSpec


@dataclass(frozen=True)
class BuiltPlatform:
    cloud: Any  # the cloud's `Platform` component
    addons: Any  # `lepton_infra.kubernetes.PlatformAddons`
    outputs: dict[str, Any]  # the stack outputs


def preflight(spec: PlatformSpec) -> list[Problem]:
    """What would stop `build` before any resource: the cloud's pre-flight checks (already part of the
    spec's validation, repeated for specs built another way), then whether its package can be imported."""
    profile = PROFILES[spec.cloud]
    problems = profile.preflight(spec)
    if not problems and (missing := profile.sdk_missing()) is not None:
        problems.append(Problem("cloud", spec.cloud, f"the {profile.title} platform cannot be imported "
                                f"here ({missing} is not installed)", f"pip install 'lepton-infra[{spec.cloud}]'"))
    return problems


def build(spec: PlatformSpec, opts: pulumi.ResourceOptions | None = None) -> BuiltPlatform:
    """Create the cloud's `Platform` for `spec`, then `PlatformAddons` (parented to it) on its cluster."""
    problems = preflight(spec)
    if problems:
        raise SpecError(problems)
    module = importlib.import_module(PROFILES[spec.cloud].platform_module)
    from lepton_infra.kubernetes import build_addons

    cloud = module.Platform(spec.name, spec, opts)
    addons = build_addons(spec, cloud.cluster_handle, pulumi.ResourceOptions(parent=cloud))
    return BuiltPlatform(cloud=cloud, addons=addons, outputs={**cloud.outputs, **addons.outputs})
