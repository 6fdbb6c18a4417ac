"""The shared filesystem on AWS (`filesystem.enabled`), over the whole plan of an aws-prod variant: FSx for
Lustre PERSISTENT_2 encrypted with the platform's key, reachable only from the nodes' security group, a
directory per tenant linked to its bucket prefix, the pinned CSI driver, and a volume each tenant mounts
from its own namespace only. Expected values are written out from the providers' docs
(docs/shared-filesystem.md), not read from the code."""

from __future__ import annotations

from typing import Any

import pytest

from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from tests.aws.aws_plan_support import plan_spec
from tests.kubernetes.harness import raw_spec

LUSTRE = "aws:fsx/lustreFileSystem:LustreFileSystem"
DRA = "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
KEY = "aws:kms/key:Key"
SUBNET = "aws:ec2/subnet:Subnet"
RELEASE = "kubernetes:helm.sh/v3:Release"
PV = "kubernetes:core/v1:PersistentVolume"
PVC = "kubernetes:core/v1:PersistentVolumeClaim"
TENANTS = ("research", "serving")  # aws-prod's tenants


def _variant() -> dict[str, Any]:
    raw = raw_spec("aws-prod")
    raw["filesystem"] = {"enabled": True, "capacity_gib": 2400, "throughput_mbps_per_tib": 250}
    return raw


@pytest.fixture(scope="module")
def graph() -> PlannedGraph:
    return plan_spec(plan_program, _variant())


def _lustre(graph: PlannedGraph) -> RecordedResource:
    (fs,) = graph.of_type(LUSTRE)
    return fs


def _fs_group_id(graph: PlannedGraph) -> str:
    (group_id,) = _lustre(graph).get("securityGroupIds")
    return group_id


def _node_group_id(graph: PlannedGraph) -> str:
    (group,) = [g for g in graph.of_type(SG) if g.get("description") == "EKS nodes"]
    return group.outputs["id"]


def test_the_file_system_is_persistent_2_encrypted_with_the_platform_key(graph: PlannedGraph) -> None:
    fs = _lustre(graph)
    (key,) = graph.of_type(KEY)
    assert fs.get("deploymentType") == "PERSISTENT_2"
    assert fs.get("storageType") == "SSD"
    assert fs.get("storageCapacity") == 2400
    assert fs.get("perUnitStorageThroughput") == 250
    assert fs.get("fileSystemTypeVersion") == "2.15"
    assert fs.get("kmsKeyId") == key.outputs["arn"]
    assert key.urn in fs.dependencies
    assert fs.protect  # prod: stateful resources are protected


def test_the_file_system_is_in_a_private_subnet(graph: PlannedGraph) -> None:
    subnet_id = _lustre(graph).get("subnetIds")
    (subnet,) = [s for s in graph.of_type(SUBNET) if s.outputs["id"] == subnet_id]
    assert subnet.get("mapPublicIpOnLaunch") in (None, False)
    assert "private" in subnet.name


def test_lustre_is_admitted_only_from_the_nodes_and_the_file_servers(graph: PlannedGraph) -> None:
    fs_group, nodes = _fs_group_id(graph), _node_group_id(graph)
    (group,) = [g for g in graph.of_type(SG) if g.outputs["id"] == fs_group]
    assert not group.get("ingress") and not group.get("egress")  # no inline rules

    def rules(type_: str, target: str) -> set[tuple[str, int, int, str]]:
        found = set()
        for r in graph.of_type(type_):
            if r.get("securityGroupId") != target:
                continue
            assert not r.get("cidrIpv4") and not r.get("cidrIpv6") and not r.get("prefixListId"), r.name
            found.add(
                (r.get("ipProtocol"), r.get("fromPort"), r.get("toPort"), r.get("referencedSecurityGroupId"))
            )
        return found

    lustre = {("tcp", 988, 988), ("tcp", 1018, 1023)}
    assert rules(INGRESS, fs_group) == {(*p, src) for p in lustre for src in (nodes, fs_group)}
    assert rules(EGRESS, fs_group) == {(*p, dst) for p in lustre for dst in (nodes, fs_group)}
    assert {r for r in rules(INGRESS, nodes) if r[3] == fs_group} == {(*p, fs_group) for p in lustre}
    # FSx refuses a file system whose groups do not admit port 988: it waits for the rules.
    waits = graph.waits_for(_lustre(graph))
    assert {r.urn for r in graph.of_type(INGRESS) if r.get("securityGroupId") == fs_group} <= waits


def test_each_tenant_has_a_directory_linked_to_its_bucket_prefix(graph: PlannedGraph) -> None:
    fs = _lustre(graph)
    links = {d.get("fileSystemPath"): d for d in graph.of_type(DRA)}
    assert set(links) == {f"/tenants/{t}" for t in TENANTS}
    for tenant in TENANTS:
        link = links[f"/tenants/{tenant}"]
        assert link.get("fileSystemId") == fs.outputs["id"]
        assert link.get("dataRepositoryPath") == f"s3://acme-ai-prod-models-123456789012/tenants/{tenant}/"
        assert link.get("s3.autoImportPolicy.events") == ["NEW", "CHANGED", "DELETED"]
        assert link.get("s3.autoExportPolicy.events") == ["NEW", "CHANGED", "DELETED"]


def test_the_file_systems_s3_role_may_use_the_bucket_key(graph: PlannedGraph) -> None:
    """The bucket is SSE-KMS with the platform key: FSx's per-file-system S3 role needs the key (FSx User
    Guide, "Working with server-side encrypted Amazon S3 buckets"), granted once the role exists."""
    fs = _lustre(graph)
    (key,) = graph.of_type(KEY)
    (grant,) = graph.of_type("aws:kms/grant:Grant")
    assert grant.get("keyId") == key.outputs["arn"]
    assert grant.get("granteePrincipal") == (
        "arn:aws:iam::123456789012:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/"
        f"AWSServiceRoleForFSxS3Access_{fs.outputs['id']}"
    )
    assert sorted(grant.get("operations")) == sorted(
        [
            "Encrypt",
            "Decrypt",
            "ReEncryptFrom",
            "ReEncryptTo",
            "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext",
            "DescribeKey",
        ]
    )
    assert {d.urn for d in graph.of_type(DRA)} <= graph.waits_for(grant)


def test_the_csi_driver_chart_is_pinned_node_plugin_only(graph: PlannedGraph) -> None:
    (release,) = [r for r in graph.of_type(RELEASE) if r.get("chart") == "aws-fsx-csi-driver"]
    assert release.get("version") == "1.17.0"
    assert release.get("repositoryOpts.repo") == "https://kubernetes-sigs.github.io/aws-fsx-csi-driver"
    assert release.get("namespace") == "kube-system"
    assert release.get("values") == {"nodeComponentOnly": True, "node": {"tolerateAllTaints": True}}


def test_each_tenant_mounts_its_own_directory_from_its_namespace_only(graph: PlannedGraph) -> None:
    fs = _lustre(graph)
    (release,) = [r for r in graph.of_type(RELEASE) if r.get("chart") == "aws-fsx-csi-driver"]
    # The shared filesystem's volumes (a bucket-mounted model has its own: tests/aws/test_model_store.py).
    volumes = {
        v.get("metadata.name"): v for v in graph.of_type(PV) if v.get("spec.csi.driver") != "s3.csi.aws.com"
    }
    claims = {
        (c.get("metadata.namespace"), c.get("metadata.name")): c
        for c in graph.of_type(PVC)
        if not str(c.get("metadata.name")).startswith("model-")
    }
    assert set(volumes) == {f"lepton-shared-{t}" for t in TENANTS}
    for tenant in TENANTS:
        pv = volumes[f"lepton-shared-{tenant}"]
        assert pv.get("spec.claimRef") == {"namespace": tenant, "name": "shared"}
        assert pv.get("spec.csi.driver") == "fsx.csi.aws.com"
        assert pv.get("spec.csi.volumeAttributes") == {
            "dnsname": fs.outputs["dnsName"],
            "mountname": f"{fs.outputs['mountName']}/tenants/{tenant}",
        }
        assert pv.get("spec.accessModes") == ["ReadWriteMany"]
        assert pv.get("spec.persistentVolumeReclaimPolicy") == "Retain"
        assert pv.get("spec.storageClassName") == ""
        (link,) = [d for d in graph.of_type(DRA) if d.get("fileSystemPath") == f"/tenants/{tenant}"]
        assert {release.urn, link.urn} <= graph.waits_for(pv)  # the driver and the directory exist first
        claim = claims[(tenant, "shared")]
        assert claim.get("spec.volumeName") == f"lepton-shared-{tenant}"
        assert claim.get("spec.storageClassName") == ""
    assert len(claims) == len(TENANTS)


def test_the_file_system_is_priced_idle_and_max(graph: PlannedGraph) -> None:
    from lepton_infra.cost import estimate_cost

    (item,) = [i for i in estimate_cost(graph).to_json()["items"] if i["category"] == "filesystem"]
    # 2400 GiB at the 250 MB/s/TiB tier, $0.210 per GiB-month, billed whether used or not.
    assert item["monthly_usd_idle"] == pytest.approx(504.0)
    assert item["monthly_usd_max"] == pytest.approx(504.0)


def test_the_policy_pack_passes_the_shared_filesystem(graph: PlannedGraph) -> None:
    from lepton_infra.policy.evaluate import evaluate_graph

    outcome = evaluate_graph(graph)
    assert outcome.mandatory == []
    for rule in ("lepton-aws-fsx-cmk", "lepton-aws-fsx-private"):
        assert outcome.by_policy(rule) == []
        assert outcome.tally[rule].checked > 0  # the rule judged the file system, not skipped it
