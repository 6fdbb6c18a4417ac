"""The platform stack: one spec from `lepton:platform`, stood up on the spec's cloud."""

import pulumi

from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec

platform = build(PlatformSpec.from_config())
for key, value in platform.outputs.items():
    pulumi.export(key, value)
