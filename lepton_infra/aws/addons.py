"""`Addons`: the EKS managed add-ons, the EBS CSI driver's IRSA role and the encrypted gp3 StorageClass.

Separate from `Cluster` on purpose: coredns and the EBS CSI controller need nodes to become ACTIVE, so
they are created after the node pools (the platform passes the pools in `depends_on`). Nodes can join
before this runs because EKS bootstraps its self-managed vpc-cni and kube-proxy, which the managed
add-ons then adopt (`resolve_conflicts_on_create="OVERWRITE"`).

Every version is pinned for the cluster's minor (core/data/eks_addons.yaml, `versions` overriding): a
routine `up` never rolls vpc-cni or kube-proxy across busy GPU nodes because EKS published a new build.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from lepton_infra.aws.account import AwsAccount, lookup_account
from lepton_infra.aws.iam import allow, document, irsa_role
from lepton_infra.core import conventions as conv
from lepton_infra.core.args import known
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.eks_addons import CORE_ADDONS, MODEL_MOUNT_ADDON, addon_versions, unpinned_problems
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.spec import ClusterSpec
from lepton_infra.spec.problems import like_spec_field

ADDONS = CORE_ADDONS
# vpc-cni accepts NetworkPolicy objects either way but enforces them only with this set (its add-on
# configuration schema types it as a string). The network policy agent runs as a container of the
# aws-node DaemonSet from v1.14.0 on (`nodeAgent.enabled` defaults to true, so it is left alone).
# Source: EKS user guide, "Restrict Pod network traffic with Kubernetes network policies", step 2.
# Pods start "default allow" until their policies are programmed (standard mode, the EKS default).
VPC_CNI_CONFIGURATION = {"enableNetworkPolicy": "true"}
# Node auto-repair (every node group sets nodeRepairConfig) acts on the node conditions this agent writes:
# AcceleratedHardwareReady (NVIDIA XID and DCGM faults), KernelReady, NetworkingReady, StorageReady,
# ContainerRuntimeReady (EKS User Guide, "Automatically repair nodes in EKS clusters":
# AcceleratedHardwareReady is repaired after 10 min). Without it a GPU that fell off the bus leaves a Ready
# node nobody replaces. The agent's own DaemonSet tolerates every taint; its DCGM host engine (`dcgm-server`,
# the GPU health source) tolerates none by default (aws/eks-node-monitoring-agent v1.6.6,
# charts/eks-node-monitoring-agent/values.yaml: dcgmAgent.tolerations []; the add-on schema
# charts/configuration.schema.json accepts dcgmAgent.tolerations), so it would never run on the platform's
# tainted GPU nodes and the agent would see zero GPUs (prod's reserved pools carry a second taint, tolerated
# too). It needs no IAM: it reads the node's logs and writes node conditions and events.
NODE_MONITORING_CONFIGURATION = {
    "dcgmAgent": {
        "tolerations": [
            {"key": conv.GPU_TAINT_KEY, "operator": "Exists", "effect": conv.GPU_TAINT_EFFECT},
            conv.reserved_toleration(),
        ]
    }
}
ADDON_CONFIGURATION: dict[str, dict] = {
    "vpc-cni": VPC_CNI_CONFIGURATION,
    "eks-node-monitoring-agent": NODE_MONITORING_CONFIGURATION,
}
EBS_CSI_SERVICE_ACCOUNT = ("kube-system", "ebs-csi-controller-sa")
# On update the declared configuration wins over hand edits made in the cluster (`kubectl edit ds aws-node`):
# everything we set is in `configuration_values`, so OVERWRITE converges each pinned upgrade to what the
# program says. PRESERVE would carry such an edit silently through the upgrade (EKS User Guide, "Update an
# Amazon EKS add-on": PRESERVE keeps existing values, OVERWRITE sets them to the add-on's defaults plus
# the configuration values given). Create adopts the self-managed vpc-cni/kube-proxy the same way.
RESOLVE_CONFLICTS = "OVERWRITE"
STORAGE_CLASS = "gp3"
# The CSI driver name of Mountpoint for Amazon S3 (awslabs/mountpoint-s3-csi-driver v2.7.0,
# docs/CONFIGURATION.md: a PV's `csi.driver`).
MOUNTPOINT_CSI_DRIVER = "s3.csi.aws.com"
# The driver tags every volume and snapshot it creates with this; the policy only lets it touch those.
_EBS_CLUSTER_TAG = "ebs.csi.aws.com/cluster"


@dataclass
class AddonsArgs(ComponentArgs):
    cluster_name: pulumi.Input[str]
    """The EKS cluster the add-ons are installed on."""
    kubernetes_version: str
    """The cluster's minor: picks each add-on's pinned version (core/data/eks_addons.yaml)."""
    oidc_provider_arn: pulumi.Input[str]
    """ARN of the cluster's IAM OIDC provider (`Cluster.oidc_provider_arn`): IRSA roles trust it."""
    oidc_issuer: pulumi.Input[str]
    """The cluster's OIDC issuer URL (`Cluster.oidc_issuer`): each IRSA role trusts one service account of
    it."""
    key_id: pulumi.Input[str]
    """ARN of the KMS key the EBS CSI driver encrypts volumes with (the encrypted StorageClass)."""
    platform: str
    """Prefix of IAM role names (`<name>-<environment>`)."""
    k8s_provider: pulumi.ProviderResource
    """The Kubernetes provider of the cluster (`Cluster.k8s_provider`): the in-cluster objects go through
    it."""
    versions: Mapping[str, str] = field(default_factory=dict)
    """Add-on -> version, each overriding the version pinned for `kubernetes_version` in
    core/data/eks_addons.yaml. A minor without a row needs every add-on here (refused otherwise). Default: the
    pinned versions."""
    volume_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of the EBS volumes the CSI driver creates for PersistentVolumeClaims (the platform's tags, so the
    budget counts them: the driver tags volumes only with its own keys unless told). Default: none."""
    wait_for: Sequence[pulumi.Resource] = ()
    """Resources the in-cluster pieces wait for (the node pools), passed to the children themselves: a
    component's `depends_on` does not reach the children it creates. Default: none."""
    model_mount: bool = False
    """Install the Mountpoint for Amazon S3 CSI driver (`aws-mountpoint-s3-csi-driver`), which mounts a
    model's prefix of the model bucket into its replicas (`models[].cache: bucket-mount`). Without a role:
    every model volume authenticates as the pod mounting it (`authenticationSource: pod`,
    kubernetes/serving/model_mount.py), so the driver's own service account is given no S3 right. Default:
    False, not installed."""
    account: AwsAccount | None = None
    """The partition and account id every ARN here names (`aws.Platform` passes its one lookup). Default:
    looked up here with the provider's credentials (`aws.get_caller_identity`, `aws.get_partition`)."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("kubernetes_version", self.kubernetes_version, ClusterSpec, "version")
        for addon, version in self.versions.items():
            if known(version) and not str(version).strip():
                yield Problem(
                    f"versions.{addon}", version, "an empty add-on version", "pin a version or drop the entry"
                )
        pinned = {a: v for a, v in self.versions.items() if known(v) and str(v).strip()}
        installed = (*CORE_ADDONS, MODEL_MOUNT_ADDON) if self.model_mount else CORE_ADDONS
        yield from unpinned_problems(
            "versions", installed, self.kubernetes_version, pinned, "add them to versions"
        )


def ebs_csi_policy(key_id: pulumi.Input[str], partition: pulumi.Input[str]) -> pulumi.Output[str]:
    """What the EBS CSI controller needs, scoped to the volumes and snapshots it tags, plus the CMK (via EC2
    only) so it can create encrypted volumes."""
    return pulumi.Output.from_input(partition).apply(lambda p: _ebs_csi_policy(key_id, f"arn:{p}:ec2:*:*"))


def _ebs_csi_policy(key_id: pulumi.Input[str], ec2: str) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps(
        document(
            [
                allow(
                    [
                        "ec2:DescribeAvailabilityZones",
                        "ec2:DescribeInstances",
                        "ec2:DescribeSnapshots",
                        "ec2:DescribeTags",
                        "ec2:DescribeVolumes",
                        "ec2:DescribeVolumesModifications",
                    ],
                    "*",
                    sid="DescribeOnlyIsUnscoped",
                ),
                allow(
                    ["ec2:CreateVolume"],
                    [f"{ec2}:volume/*"],
                    sid="CreateTaggedVolumes",
                    condition={"StringLike": {f"aws:RequestTag/{_EBS_CLUSTER_TAG}": "true"}},
                ),
                allow(["ec2:CreateVolume"], [f"{ec2}:snapshot/*"], sid="CreateVolumesFromSnapshots"),
                allow(
                    ["ec2:CreateTags"],
                    [f"{ec2}:volume/*", f"{ec2}:snapshot/*"],
                    sid="TagOnCreateOnly",
                    condition={"StringEquals": {"ec2:CreateAction": ["CreateVolume", "CreateSnapshot"]}},
                ),
                allow(
                    [
                        "ec2:AttachVolume",
                        "ec2:DetachVolume",
                        "ec2:ModifyVolume",
                        "ec2:CreateSnapshot",
                        "ec2:DeleteVolume",
                    ],
                    [f"{ec2}:volume/*"],
                    sid="ManageOwnVolumes",
                    condition={"StringLike": {f"ec2:ResourceTag/{_EBS_CLUSTER_TAG}": "true"}},
                ),
                allow(
                    ["ec2:AttachVolume", "ec2:DetachVolume"], [f"{ec2}:instance/*"], sid="AttachToInstances"
                ),
                allow(["ec2:CreateSnapshot"], [f"{ec2}:snapshot/*"], sid="SnapshotTarget"),
                allow(
                    ["ec2:DeleteSnapshot"],
                    [f"{ec2}:snapshot/*"],
                    sid="DeleteOwnSnapshots",
                    condition={"StringLike": {f"ec2:ResourceTag/{_EBS_CLUSTER_TAG}": "true"}},
                ),
                allow(
                    ["kms:CreateGrant"],
                    [key_id],
                    sid="GrantsForEbsOnly",
                    condition={"Bool": {"kms:GrantIsForAWSResource": "true"}},
                ),
                allow(
                    [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKeyWithoutPlaintext",
                        "kms:DescribeKey",
                    ],
                    [key_id],
                    sid="UseCmkThroughEc2",
                    condition={"StringLike": {"kms:ViaService": "ec2.*.amazonaws.com"}},
                ),
            ]
        )
    )


def volume_tag_parameters(tags: Mapping[str, str]) -> dict[str, str]:
    """StorageClass parameters `tagSpecification_<n>: "key=value"`, which the EBS CSI driver puts on every
    volume it creates (aws-ebs-csi-driver docs, "Tagging": StorageClass tagging)."""
    return {f"tagSpecification_{i}": f"{k}={v}" for i, (k, v) in enumerate(sorted(tags.items()), start=1)}


class Addons(Component):
    TOKEN = "lepton:aws:Addons"

    def __init__(self, name: str, args: AddonsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        namespace, service_account = EBS_CSI_SERVICE_ACCOUNT
        ebs_role = irsa_role(
            child_name(name, "ebs-csi"),
            platform=args.platform,
            oidc_provider_arn=args.oidc_provider_arn,
            oidc_issuer=args.oidc_issuer,
            namespace=namespace,
            service_account=service_account,
            policy=ebs_csi_policy(args.key_id, (args.account or lookup_account(self)).partition),
            opts=self.child_opts(),
            description="EBS CSI controller (volumes it tags, CMK via EC2)",
        )
        versions = addon_versions(args.kubernetes_version, args.versions)
        self.addons: dict[str, aws.eks.Addon] = {}
        for addon in ADDONS:
            self.addons[addon] = aws.eks.Addon(
                child_name(name, addon),
                cluster_name=args.cluster_name,
                addon_name=addon,
                addon_version=versions[addon],
                configuration_values=json.dumps(ADDON_CONFIGURATION[addon])
                if addon in ADDON_CONFIGURATION
                else None,
                resolve_conflicts_on_create=RESOLVE_CONFLICTS,
                resolve_conflicts_on_update=RESOLVE_CONFLICTS,
                service_account_role_arn=ebs_role.arn if addon == "aws-ebs-csi-driver" else None,
                opts=self.child_opts(depends_on=list(args.wait_for)),
            )
        if args.model_mount:
            self.addons[MODEL_MOUNT_ADDON] = aws.eks.Addon(
                child_name(name, MODEL_MOUNT_ADDON),
                cluster_name=args.cluster_name,
                addon_name=MODEL_MOUNT_ADDON,
                addon_version=versions[MODEL_MOUNT_ADDON],
                resolve_conflicts_on_create=RESOLVE_CONFLICTS,
                resolve_conflicts_on_update=RESOLVE_CONFLICTS,
                opts=self.child_opts(depends_on=list(args.wait_for)),
            )
        self.storage_class = k8s.storage.v1.StorageClass(
            child_name(name, "gp3"),
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=STORAGE_CLASS,
                annotations={"storageclass.kubernetes.io/is-default-class": "true"},
            ),
            provisioner="ebs.csi.aws.com",
            parameters={
                "type": "gp3",
                "encrypted": "true",
                "kmsKeyId": args.key_id,
                "fsType": "ext4",
                **volume_tag_parameters(args.volume_tags),
            },
            volume_binding_mode="WaitForFirstConsumer",  # the volume lands in the zone of the pod's node
            allow_volume_expansion=True,
            reclaim_policy="Delete",
            opts=self.child_opts(provider=args.k8s_provider, depends_on=[self.addons["aws-ebs-csi-driver"]]),
        )
        self.storage_class_name = STORAGE_CLASS
        self.finish(
            {"addons": {k: v.addon_version for k, v in self.addons.items()}, "storage_class": STORAGE_CLASS}
        )
