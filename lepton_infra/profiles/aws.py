"""The AWS profile: what the spec layer knows of AWS without importing its SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lepton_infra.profiles.base import CloudProfile, regex_rule
from lepton_infra.spec.apply_time import cluster_log_retention_on_cloudwatch, flow_log_retention_on_cloudwatch
from lepton_infra.spec.aws_rules import (
    addon_pins_for_minor,
    addon_versions,
    availability_zone_ids,
    guardduty_detector,
    replication_region,
    service_cidr,
    tenant_admin_groups,
)
from lepton_infra.spec.cloud_knobs import AwsKnobs
from lepton_infra.spec.defaults import EnvDefault
from lepton_infra.spec.tag_rules import AWS_TAGS
from lepton_infra.spec.traffic_rules import aws_certificate_sources

if TYPE_CHECKING:
    pass

PROFILE = CloudProfile(
    cloud="aws",
    title="AWS",
    knobs=AwsKnobs,
    knobs_required=None,
    platform_module="lepton_infra.aws.platform",
    sdk_module="pulumi_aws",
    pool_name=regex_rule(
        r"[a-z][a-z0-9-]{0,62}",
        "EKS node group: up to 63 lowercase letters, digits and hyphens, starting with a letter",
    ),
    tags=AWS_TAGS,
    environment_defaults=(
        EnvDefault("aws.interface_endpoints", False, False, True, cloud="aws"),
        # A year of logs in prod (checkov CKV_AWS_338); shorter, cheaper elsewhere.
        EnvDefault("aws.log_retention_days", 30, 90, 365, cloud="aws"),
        EnvDefault("aws.access_log_retention_days", 30, 90, 365, cloud="aws"),
        EnvDefault("network.flow_log_retention_days", 30, 90, 365, cloud="aws"),
    ),
    # The Kubernetes versions AWS can run come from the chart support table (spec/chart_rules.py
    # _chart_support: the cluster autoscaler's image is pinned per minor in core/data/chart_support.yaml).
    checks=(
        flow_log_retention_on_cloudwatch,
        cluster_log_retention_on_cloudwatch,
        addon_versions,
        addon_pins_for_minor,
        tenant_admin_groups,
        guardduty_detector,
        replication_region,
        service_cidr,
        availability_zone_ids,
        aws_certificate_sources,
    ),
)
