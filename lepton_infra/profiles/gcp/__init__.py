"""The GCP profile: what the spec knows of GCP without importing its SDK (knobs, tags, rules)."""

from __future__ import annotations

from lepton_infra.profiles.base import CloudProfile, regex_rule
from lepton_infra.profiles.gcp.knobs import GcpKnobs
from lepton_infra.profiles.gcp.rules import GCP_RULES
from lepton_infra.profiles.gcp.tags import GCP_LABELS

PROFILE = CloudProfile(
    cloud="gcp",
    title="GCP",
    knobs=GcpKnobs,
    knobs_required="add `gcp: {project: my-project}` (cloud gcp needs the project)",
    platform_module="lepton_infra.gcp.platform",
    sdk_module="pulumi_gcp",
    pool_name=regex_rule(
        r"[a-z]([a-z0-9-]{0,38}[a-z0-9])?",
        "GKE node pool: up to 40 lowercase letters, "
        "digits and hyphens, starting with a letter and ending with a letter or digit",
    ),
    tags=GCP_LABELS,
    checks=GCP_RULES,
)
