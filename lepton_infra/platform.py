"""`build(spec)`: stand up the platform on the spec's cloud, importing only that cloud's package, then
the cloud-agnostic in-cluster layer on the cluster it made."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import pulumi

from lepton_infra.core.errors import Problem, SpecError
from lepton_infra.spec import PlatformSpec

_PLATFORM_MODULES = {"aws": "lepton_infra.aws.platform", "gcp": "lepton_infra.gcp.platform",
                     "azure": "lepton_infra.azure.platform"}


@dataclass(frozen=True)
class BuiltPlatform:
    cloud: Any  # the cloud's `Platform` component
    addons: Any  # `lepton_infra.kubernetes.PlatformAddons`
    outputs: dict[str, Any]  # the stack outputs


def build(spec: PlatformSpec, opts: pulumi.ResourceOptions | None = None) -> BuiltPlatform:
    """Create the cloud's `Platform` for `spec`, then `PlatformAddons` (parented to it) on its cluster."""
    module_name = _PLATFORM_MODULES.get(spec.cloud)
    if module_name is None:
        raise SpecError([Problem("cloud", spec.cloud, "this cloud's platform is not built yet",
                                 f"use one of: {', '.join(_PLATFORM_MODULES)}")])
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        raise SpecError([Problem("cloud", spec.cloud, f"the {spec.cloud} SDK is not installed ({err.name})",
                                 f"pip install 'lepton-infra[{spec.cloud}]'")]) from None
    from lepton_infra.kubernetes import build_addons

    cloud = module.Platform(spec.name, spec, opts)
    addons = build_addons(spec, cloud.cluster_handle, pulumi.ResourceOptions(parent=cloud))
    return BuiltPlatform(cloud=cloud, addons=addons, outputs={**cloud.outputs, **addons.outputs})
