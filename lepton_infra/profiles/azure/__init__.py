"""The Azure profile: what the spec knows of Azure without importing its SDK (knobs, tags, rules)."""

from __future__ import annotations

from lepton_infra.profiles.azure.knobs import AzureKnobs
from lepton_infra.profiles.azure.rules import AZURE_RULES
from lepton_infra.profiles.azure.tags import AZURE_TAGS
from lepton_infra.profiles.base import CloudProfile, regex_rule

PROFILE = CloudProfile(
    cloud="azure",
    title="Azure",
    knobs=AzureKnobs,
    knobs_required="add `azure: {subscription_id: ...}` (cloud azure needs the subscription)",
    platform_module="lepton_infra.azure.platform",
    sdk_module="pulumi_azure_native",
    pool_name=regex_rule(
        r"[a-z][a-z0-9]{0,11}",
        "AKS node pool: up to 12 lowercase letters and digits, starting with a letter, no hyphens",
    ),
    tags=AZURE_TAGS,
    checks=AZURE_RULES,
)
