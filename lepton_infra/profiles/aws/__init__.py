"""The AWS profile: what the spec knows of AWS without importing its SDK (knobs, tags, rules, defaults)."""

from __future__ import annotations

from lepton_infra.profiles.aws.knobs import AwsKnobs
from lepton_infra.profiles.aws.rules import AWS_RULES
from lepton_infra.profiles.aws.tags import AWS_TAGS
from lepton_infra.profiles.base import CloudProfile, LengthLimit, regex_rule

# Each node label is also announced to the cluster autoscaler as an ASG tag
# `k8s.io/cluster-autoscaler/node-template/label/<key>` (aws/node_pool.py); AWS tag keys are at most 128
# characters.
_NODE_TEMPLATE_LABEL = "k8s.io/cluster-autoscaler/node-template/label/"

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
    # The Kubernetes versions AWS can run come from the chart support table (spec/chart_rules.py
    # _chart_support: the cluster autoscaler's image is pinned per minor in core/data/chart_support.yaml).
    checks=AWS_RULES,
    spot_machine_choices=3,  # spot_alternatives' default: up to three types of the pool's shape
    node_label_key_limit=LengthLimit(
        128 - len(_NODE_TEMPLATE_LABEL),
        "its autoscaler node-template ASG tag would exceed AWS's 128-character tag keys",
    ),
)
