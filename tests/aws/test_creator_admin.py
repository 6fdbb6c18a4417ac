"""EKS creator admin (issue 22): EKS's automatic creator admin is off and every admin is an explicit access
entry, the deployer's too, so a deployer that is also a listed admin never gets a second entry (409)."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph
from tests.aws.aws_plan_support import SPEC

ENTRY = "aws:eks/accessEntry:AccessEntry"
POLICY = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"


def _plan(aws_knobs: dict[str, Any]) -> PlannedGraph:
    spec = copy.deepcopy(SPEC)
    spec["aws"].update(aws_knobs)

    def program() -> None:
        from lepton_infra.platform import build
        from lepton_infra.spec import PlatformSpec

        for key, value in build(PlatformSpec.from_dict(spec)).outputs.items():
            pulumi.export(key, value)

    return plan_program(program, {}, project="lepton-aws-test", stack="dev")


def _admins(graph: PlannedGraph) -> list[str]:
    return sorted(p.get("principalArn") for p in graph.of_type(POLICY) if p.get("policyArn") == ADMIN_POLICY)


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
def test_shipped_clusters_grant_no_automatic_creator_admin(
    stack: str, plan_stack: Callable[..., PlannedGraph], platform_dir: Path
) -> None:
    graph = plan_stack(platform_dir, stack)
    cluster = graph.one("aws:eks/cluster:Cluster")
    assert cluster.get("accessConfig.bootstrapClusterCreatorAdminPermissions") is False
    # The deployer (the offline caller) is an explicit admin; each principal has exactly one entry.
    assert "arn:aws:iam::123456789012:user/offline" in _admins(graph)
    principals = Counter(e.get("principalArn") for e in graph.of_type(ENTRY))
    assert [p for p, n in principals.items() if n > 1] == []


def test_a_deployer_listed_as_admin_keeps_its_one_entry() -> None:
    graph = _plan({"deployer_role_arn": "arn:aws:iam::123456789012:role/admins"})
    assert sorted(e.get("principalArn") for e in graph.of_type(ENTRY)) == [
        "arn:aws:iam::123456789012:role/admins",
        "arn:aws:iam::123456789012:role/breakglass",
    ]
    assert _admins(graph) == [
        "arn:aws:iam::123456789012:role/admins",
        "arn:aws:iam::123456789012:role/breakglass",
    ]


def test_a_deployer_listed_only_as_a_tenant_admin_is_made_admin_on_that_entry() -> None:
    research = "arn:aws:iam::123456789012:role/research"
    graph = _plan({"deployer_role_arn": research, "tenant_admin_roles": {"research-admins": [research]}})
    assert Counter(e.get("principalArn") for e in graph.of_type(ENTRY))[research] == 1
    assert research in _admins(graph)


def test_a_deployer_not_listed_gets_an_admin_entry_of_its_own() -> None:
    runner = "arn:aws:iam::123456789012:role/ci/deploy-runner"
    graph = _plan({"deployer_role_arn": runner})
    assert graph.one(ENTRY, "testai-cluster-deployer-admin").get("principalArn") == runner
    assert runner in _admins(graph)
    invoked = {i.token for i in graph.invokes}
    assert "aws:iam/getSessionContext:getSessionContext" not in invoked  # no caller lookup when named
