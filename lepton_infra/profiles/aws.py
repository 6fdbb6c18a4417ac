"""The AWS profile: what the spec layer knows of AWS without importing its SDK."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.profiles.base import CloudProfile, regex_rule
from lepton_infra.spec.checks import rule
from lepton_infra.spec.cloud_knobs import AwsKnobs
from lepton_infra.spec.defaults import EnvDefault
from lepton_infra.spec.tag_rules import AWS_TAGS

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

# The cluster autoscaler's minor must match the cluster's; its image is pinned per Kubernetes minor, so
# these are the Kubernetes versions the AWS platform can run. (SDK-free here so the spec can check them.)
CLUSTER_AUTOSCALER_IMAGE_TAGS = {"1.30": "v1.30.4", "1.31": "v1.31.2", "1.32": "v1.32.1", "1.33": "v1.33.0"}

@rule("cluster")
def _kubernetes_version(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.cluster.version not in CLUSTER_AUTOSCALER_IMAGE_TAGS:
        yield Problem("cluster.version", spec.cluster.version,
                      "no cluster-autoscaler release is pinned for this Kubernetes version on AWS",
                      f"use one of: {', '.join(sorted(CLUSTER_AUTOSCALER_IMAGE_TAGS))}")


PROFILE = CloudProfile(
    cloud="aws",
    title="AWS",
    knobs=AwsKnobs,
    knobs_required=None,
    platform_module="lepton_infra.aws.platform",
    sdk_module="pulumi_aws",
    pool_name=regex_rule(r"[a-z][a-z0-9-]{0,62}", "EKS node group: up to 63 lowercase letters, digits and "
                         "hyphens, starting with a letter"),
    tags=AWS_TAGS,
    environment_defaults=(EnvDefault("aws.interface_endpoints", False, False, True, cloud="aws"),),
    checks=(_kubernetes_version,),
)
