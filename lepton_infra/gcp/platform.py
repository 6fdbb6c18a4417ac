"""`gcp.Platform`: the whole GCP platform from a `PlatformSpec`."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name
from lepton_infra.core.tagging import platform_tags
from lepton_infra.spec import PlatformSpec


class Platform(Component):
    TOKEN = "lepton:gcp:Platform"

    def __init__(self, name: str, spec: PlatformSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        assert spec.gcp is not None  # guaranteed by the spec rules for cloud: gcp
        self.provider = gcp.Provider(
            child_name(name, "gcp"),
            project=spec.gcp.project,
            region=spec.region,
            default_labels=platform_tags(spec.name, spec.environment, spec.tags),
            opts=self.child_opts(),
        )
        self.outputs: dict[str, Any] = {"region": spec.region, "project": spec.gcp.project}
        self.finish(self.outputs)
