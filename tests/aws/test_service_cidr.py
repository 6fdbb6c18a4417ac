"""`network.service_cidr` on AWS: EKS takes the Service range only inside the RFC 1918 blocks and only
from /12 to /24 (EKS API reference, KubernetesNetworkConfigRequest; the bridged provider's validation), and
only at cluster creation. Refused at spec time, never 20 minutes into the first `up`."""

from __future__ import annotations

import pytest

from tests.conftest import spec_problems
from tests.kubernetes.harness import raw_spec


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
@pytest.mark.parametrize(
    ("service_cidr", "why"),
    [
        ("1.2.0.0/16", "only inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"),
        ("100.64.0.0/16", "only inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"),
        ("172.20.0.0/30", "between /12 and /24"),
        ("10.0.0.0/8", "between /12 and /24"),
    ],
)
def test_a_service_range_eks_refuses_is_a_spec_error(stack: str, service_cidr: str, why: str) -> None:
    raw = raw_spec(stack)
    raw["network"] = {**raw["network"], "service_cidr": service_cidr}
    problems = spec_problems(raw)
    assert "network.service_cidr" in problems, problems
    assert why in problems["network.service_cidr"]


@pytest.mark.parametrize("service_cidr", ["172.20.0.0/16", "192.168.0.0/24", "10.96.0.0/12"])
def test_ranges_eks_accepts_pass(service_cidr: str) -> None:
    raw = raw_spec("aws-prod")
    raw["network"] = {**raw["network"], "service_cidr": service_cidr}
    assert "network.service_cidr" not in spec_problems(raw)
