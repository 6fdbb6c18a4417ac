"""The GCP profile: what the spec layer knows of GCP without importing its SDK."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.profiles.base import CloudProfile, regex_rule
from lepton_infra.spec.checks import rule
from lepton_infra.spec.cloud_knobs import GcpKnobs
from lepton_infra.spec.gcp_rules import (
    gcp_images_name_their_registry,
    gcp_pinned_zones,
    gcp_queued_provisioning_pools,
    gcp_rbac_groups,
    gcp_release_channel,
    gcp_soft_delete_days,
    gke_maintenance_availability,
)
from lepton_infra.spec.tag_rules import GCP_LABELS
from lepton_infra.spec.traffic_rules import gcp_certificate_sources

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


@rule("gcp", "budget")
def _billing_account(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.gcp and spec.budget and not spec.gcp.billing_account:
        yield Problem(
            "gcp.billing_account",
            None,
            "a GCP budget is set on a billing account",
            "add gcp.billing_account (XXXXXX-XXXXXX-XXXXXX) or remove `budget`",
        )


@rule("network")
def _room_for_pod_ranges(spec: PlatformSpec) -> Iterator[Problem]:
    cidr = spec.network.cidr
    if cidr.is_private and cidr.prefixlen > 20:
        yield Problem(
            "network.cidr", str(cidr), "GKE needs room for pod and service ranges", "use a /20 or larger"
        )


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
    checks=(
        _billing_account,
        _room_for_pod_ranges,
        gcp_rbac_groups,
        gcp_certificate_sources,
        gcp_soft_delete_days,
        gcp_pinned_zones,
        gcp_images_name_their_registry,
        gcp_queued_provisioning_pools,
        gke_maintenance_availability,
        gcp_release_channel,
    ),
)
