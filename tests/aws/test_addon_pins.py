"""EKS add-on versions are pinned per Kubernetes minor: the shipped AWS stacks ask EKS for no "most recent"
version (a routine `up` would otherwise roll vpc-cni and kube-proxy across busy GPU nodes whenever AWS
published a build), every add-on carries the version written below for the stack's minor, and a minor with
no pins is refused at spec time with the field and the fix."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.core.eks_addons import BASES, EKS_ADDONS, addon_pins
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.profiles.aws.rules import ADDON_VERSION
from tests.conftest import spec_problems
from tests.kubernetes.harness import shipped_spec

AWS_STACKS = ["aws-dev", "aws-prod"]
ADDON = "aws:eks/addon:Addon"
ADDON_LOOKUP = "aws:eks/getAddonVersion:getAddonVersion"
# Written out, not read from core/data/eks_addons.yaml: a change of pin must change this test too.
EXPECTED: dict[str, dict[str, str]] = {
    "1.33": {
        "vpc-cni": "v1.21.1-eksbuild.8",
        "kube-proxy": "v1.33.10-eksbuild.2",
        "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
        "coredns": "v1.13.2-eksbuild.4",
        "aws-ebs-csi-driver": "v1.57.0-eksbuild.1",
        "amazon-cloudwatch-observability": "v6.3.0-eksbuild.1",
        "eks-node-monitoring-agent": "v1.6.6-eksbuild.1",
    },
    "1.34": {
        "vpc-cni": "v1.21.2-eksbuild.2",
        "kube-proxy": "v1.34.6-eksbuild.11",
        "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
        "coredns": "v1.13.2-eksbuild.4",
        "aws-ebs-csi-driver": "v1.62.0-eksbuild.1",
        "amazon-cloudwatch-observability": "v6.3.0-eksbuild.1",
        "eks-node-monitoring-agent": "v1.6.6-eksbuild.1",
    },
    "1.35": {
        "vpc-cni": "v1.22.4-eksbuild.3",
        "kube-proxy": "v1.35.3-eksbuild.29",
        "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
        "coredns": "v1.13.2-eksbuild.31",
        "aws-ebs-csi-driver": "v1.66.0-eksbuild.1",
        "amazon-cloudwatch-observability": "v6.3.0-eksbuild.1",
        "eks-node-monitoring-agent": "v1.6.6-eksbuild.1",
    },
    "1.36": {
        "vpc-cni": "v1.22.4-eksbuild.3",
        "kube-proxy": "v1.36.0-eksbuild.21",
        "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
        "coredns": "v1.14.3-eksbuild.16",
        "aws-ebs-csi-driver": "v1.66.0-eksbuild.1",
        "amazon-cloudwatch-observability": "v6.3.0-eksbuild.1",
        "eks-node-monitoring-agent": "v1.6.6-eksbuild.1",
    },
}


def _minor(graph: PlannedGraph) -> str:
    return graph.one("aws:eks/cluster:Cluster").get("version")


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_no_invoke_asks_eks_for_the_latest_addon(plan_stack: Any, platform_dir: Path, stack: str) -> None:
    graph = plan_stack(platform_dir, stack)
    assert graph.invokes, "the plan recorded no invoke at all: the recorder is broken, not the stack"
    assert [i for i in graph.invokes if i.args.get("mostRecent")] == []
    assert [i.args for i in graph.invokes if i.token == ADDON_LOOKUP] == []


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_every_addon_carries_the_version_pinned_for_the_minor(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    graph = plan_stack(platform_dir, stack)
    minor = _minor(graph)
    if minor not in EXPECTED:
        pytest.fail(f"{stack} runs Kubernetes {minor}: write its expected add-on versions in EXPECTED")
    planned = {r.get("addonName"): r.get("addonVersion") for r in graph.of_type(ADDON)}
    # aws-prod serves its model from the bucket mount: the Mountpoint driver, pinned like the others.
    mount = {"aws-mountpoint-s3-csi-driver": "v2.7.0-eksbuild.1"} if stack == "aws-prod" else {}
    assert planned == {**EXPECTED[minor], **mount}


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_declared_configuration_wins_on_update(plan_stack: Any, platform_dir: Path, stack: str) -> None:
    addons = plan_stack(platform_dir, stack).of_type(ADDON)
    assert {(r.get("resolveConflictsOnCreate"), r.get("resolveConflictsOnUpdate")) for r in addons} == {
        ("OVERWRITE", "OVERWRITE")
    }


def test_the_table_pins_every_addon_for_every_minor_with_a_source() -> None:
    pins = addon_pins()
    assert set(pins) >= {"1.33", "1.34", "1.35", "1.36"}
    for minor, row in pins.items():
        assert set(row) == set(EKS_ADDONS), minor
        for pin in row.values():
            assert ADDON_VERSION.match(pin.version), pin
            assert pin.basis in BASES, pin
            assert len(pin.source) > 40 and pin.read == "2026-12-07", pin


def _version(pin: str) -> tuple[int, ...]:
    """v1.21.2-eksbuild.8 -> (1, 21, 2, 8)."""
    return tuple(int(n) for n in re.findall(r"\d+", pin))


def test_moving_up_a_minor_never_moves_an_addon_back() -> None:
    """An upgrade applies the next minor's row: no add-on may go back (CoreDNS once did, 1.33 -> 1.34), and
    vpc-cni moves at most one minor at a time ("Updating VPC-CNI can only go up or down 1 minor version at
    a time", EKS UpdateAddon, terraform-aws-modules/terraform-aws-eks#2749)."""
    pins = addon_pins()
    minors = sorted(pins, key=lambda m: tuple(map(int, m.split("."))))
    for lower, upper in itertools.pairwise(minors):
        for addon in EKS_ADDONS:
            before, after = _version(pins[lower][addon].version), _version(pins[upper][addon].version)
            assert after >= before, (addon, lower, upper)
        cni_before, cni_after = (_version(pins[m]["vpc-cni"].version)[:2] for m in (lower, upper))
        assert cni_after[1] - cni_before[1] <= 1 and cni_after[0] == cni_before[0], (lower, upper)


def _aws_spec(**changes: Any) -> dict[str, Any]:
    raw = shipped_spec("aws-dev")
    raw["cluster"] = {**raw.get("cluster", {}), **changes.pop("cluster", {})}
    raw["aws"] = {**raw.get("aws", {}), **changes.pop("aws", {})}
    return raw


# 1.32: EKS still creates it on the suite's plan date (2026-12-07) with extended support, and no add-on
# row pins it. (Of a minor EKS no longer creates, the lifecycle refusal says all that matters.)
UNPINNED = {"version": "1.32", "support": "extended"}


def test_a_minor_without_pins_is_refused_naming_the_field_and_the_fix() -> None:
    problems = spec_problems(_aws_spec(cluster=UNPINNED))
    message = problems["cluster.version"]
    assert "no EKS add-on version is pinned for Kubernetes 1.32" in message
    assert "aws.addon_versions" in message and "1.33, 1.34, 1.35, 1.36" in message


def test_a_partial_override_names_only_the_addons_still_missing() -> None:
    pinned = {a: v for a, v in EXPECTED["1.36"].items() if a != "coredns"}
    message = spec_problems(_aws_spec(cluster=UNPINNED, aws={"addon_versions": pinned}))["cluster.version"]
    assert "(coredns;" in message


def test_pinning_every_addon_by_hand_opens_an_unlisted_minor() -> None:
    # 1.29 may be refused for other reasons (charts, lifecycle); never for its add-on versions.
    problems = spec_problems(_aws_spec(cluster={"version": "1.29"}, aws={"addon_versions": EXPECTED["1.36"]}))
    assert not [m for m in problems.values() if "EKS add-on" in m]
