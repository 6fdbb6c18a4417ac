"""The control plane priced by its Kubernetes support period on the plan's date (2026-12-07 in the suite):
EKS extended support and the AKS Premium tier replace the standard fee, GKE's Extended channel adds one in
the extended period (cost/fees.yaml; dates from core/data/kubernetes_versions.yaml)."""

from __future__ import annotations

import pulumi_aws as aws
import pulumi_gcp as gcp
import pytest
from pulumi_azure_native import containerservice

from lepton_infra.cost import estimate_cost
from lepton_infra.plan import plan_program


def _control_plane(program) -> list[tuple[float, str | None]]:
    report = estimate_cost(plan_program(program))
    return [(i.usd_per_hour, i.note) for i in report.items if i.category == "control_plane"]


def _eks(version: str, support_type: str | None) -> None:
    aws.eks.Cluster(
        "c",
        version=version,
        role_arn="arn:aws:iam::123456789012:role/eks",
        vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=["subnet-1"]),
        upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type=support_type) if support_type else None,
    )


@pytest.mark.parametrize(
    "version, support_type, hourly, note",
    [
        ("1.33", "EXTENDED", 0.60, "EKS extended support until 2027-07-29"),  # past standard (2026-07-29)
        ("1.33", None, 0.60, "EKS extended support until 2027-07-29"),  # EKS's API default is EXTENDED
        ("1.33", "STANDARD", 0.10, None),  # EKS upgrades it instead (the spec refuses this pin)
        (
            "1.36",
            "EXTENDED",
            0.10,
            "extended support opted into: $0.60/h (eks-control-plane-extended) from 2027-08-02",
        ),
        ("1.36", "STANDARD", 0.10, None),
    ],
)
def test_eks_extended_support_replaces_the_standard_fee(
    version: str, support_type: str | None, hourly: float, note: str | None
) -> None:
    assert _control_plane(lambda: _eks(version, support_type)) == [(pytest.approx(hourly), note)]


def test_gkes_extended_channel_adds_its_fee_in_the_extended_period() -> None:
    def program(version: str) -> None:
        gcp.container.Cluster(
            "c",
            location="us-central1",
            min_master_version=version,
            release_channel=gcp.container.ClusterReleaseChannelArgs(channel="EXTENDED"),
        )

    assert _control_plane(lambda: program("1.33")) == [
        (pytest.approx(0.10), None),
        (
            pytest.approx(0.50),
            "GKE extended support period until 2027-06-03",
        ),  # GKE 1.33: standard support ended 2026-08-03
    ]
    assert _control_plane(lambda: program("1.36")) == [
        (
            pytest.approx(0.10),
            "extended support opted into: $0.50/h (gke-extended-support-period) from 2027-06-22",
        )
    ]


def test_aks_long_term_support_bills_the_premium_tier() -> None:
    def program() -> None:
        containerservice.ManagedCluster(
            "c",
            resource_group_name="rg",
            sku=containerservice.ManagedClusterSKUArgs(name="Base", tier="Premium"),
            support_plan="AKSLongTermSupport",
            kubernetes_version="1.33",
        )

    assert _control_plane(program) == [
        (pytest.approx(0.60), "Premium tier: long-term support, AKSLongTermSupport")
    ]
