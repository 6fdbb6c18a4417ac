"""`build(spec)`: stand up the platform on the spec's cloud, importing only that cloud's package."""

from __future__ import annotations

import importlib
from typing import Any

import pulumi

from lepton_infra.core.errors import Problem, SpecError
from lepton_infra.spec import PlatformSpec

_PLATFORM_MODULES = {"aws": "lepton_infra.aws.platform", "gcp": "lepton_infra.gcp.platform"}


def build(spec: PlatformSpec, opts: pulumi.ResourceOptions | None = None) -> Any:
    """Create the cloud's `Platform` component for `spec`; returns it (its attributes are the outputs)."""
    module_name = _PLATFORM_MODULES.get(spec.cloud)
    if module_name is None:
        raise SpecError([Problem("cloud", spec.cloud, "this cloud's platform is not built yet",
                                 f"use one of: {', '.join(_PLATFORM_MODULES)}")])
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        extra = spec.cloud
        raise SpecError([Problem("cloud", spec.cloud, f"the {spec.cloud} SDK is not installed ({err.name})",
                                 f"pip install 'lepton-infra[{extra}]'")]) from None
    return module.Platform(spec.name, spec, opts)
