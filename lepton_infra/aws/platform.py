"""`aws.Platform`: the whole AWS platform from a `PlatformSpec`."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name
from lepton_infra.core.tagging import platform_tags
from lepton_infra.spec import PlatformSpec


class Platform(Component):
    TOKEN = "lepton:aws:Platform"

    def __init__(self, name: str, spec: PlatformSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        tags = platform_tags(spec.name, spec.environment, spec.tags)
        # One explicit provider per platform: region and default tags come from the spec, never from
        # ambient config, so `pulumi:disable-default-providers` can be on.
        self.provider = aws.Provider(
            child_name(name, "aws"),
            region=spec.region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=tags),
            opts=self.child_opts(),
        )
        self.outputs: dict[str, Any] = {"region": spec.region}
        self.finish(self.outputs)
