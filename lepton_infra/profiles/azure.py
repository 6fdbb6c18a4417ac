"""The Azure profile: what the spec layer knows of Azure without importing its SDK."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.profiles.base import CloudProfile, regex_rule
from lepton_infra.spec.checks import rule
from lepton_infra.spec.cloud_knobs import AzureKnobs
from lepton_infra.spec.tag_rules import AZURE_TAGS

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

PLATFORM_PACKAGE = "lepton_infra.azure"


@rule("cloud")
def _platform_available(spec: PlatformSpec) -> Iterator[Problem]:
    # Goes away by itself once the azure package lands.
    if importlib.util.find_spec(PLATFORM_PACKAGE) is None:
        yield Problem("cloud", spec.cloud, "this cloud's platform is not built yet", "use one of: aws, gcp")


PROFILE = CloudProfile(
    cloud="azure",
    title="Azure",
    knobs=AzureKnobs,
    knobs_required="add `azure: {subscription_id: ...}` (cloud azure needs the subscription)",
    platform_module=f"{PLATFORM_PACKAGE}.platform",
    sdk_module="pulumi_azure_native",
    pool_name=regex_rule(r"[a-z][a-z0-9]{0,11}", "AKS node pool: up to 12 lowercase letters and digits, "
                         "starting with a letter, no hyphens"),
    tags=AZURE_TAGS,
    checks=(_platform_available,),
)
