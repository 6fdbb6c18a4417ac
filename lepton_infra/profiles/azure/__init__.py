"""The Azure profile: what the spec knows of Azure without importing its SDK (knobs, tags, rules)."""

from __future__ import annotations

from lepton_infra.profiles.azure.knobs import AzureKnobs
from lepton_infra.profiles.azure.limits import AKS_POOL_NAME, AKS_POOL_NAME_RULE
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
    pool_name=regex_rule(AKS_POOL_NAME, AKS_POOL_NAME_RULE),
    tags=AZURE_TAGS,
    checks=AZURE_RULES,
)
