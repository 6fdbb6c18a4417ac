"""`SharedFilesystem`: the platform's FSx for Lustre file system (`filesystem.enabled`), a directory per
tenant linked to the tenant's prefix of the model bucket, and the FSx CSI driver that mounts it.

- PERSISTENT_2 SSD on Lustre 2.15, encrypted at rest with the platform's KMS key (`KmsKeyId`; without it
  FSx uses an AWS-managed key), in one private subnet (PERSISTENT_2 is single-AZ: the platform's first
  zone; pods in other zones reach it across zones, billed as in-region transfer).
- Its own security group admits Lustre (TCP 988 and 1018-1023) only from the nodes' security group and
  from itself (file server to file server), and sends only to them; the nodes' group admits the same ports
  from the file system (FSx for Lustre User Guide, "File system access control with Amazon VPC": both
  groups' rules; FSx refuses to create a file system whose groups do not permit port 988, so the file
  system waits for the rules). No CIDR rule: nothing outside the VPC's nodes reaches it.
- One data repository association per tenant: `/tenants/<tenant>` <-> `s3://<model bucket>/tenants/<tenant>/`
  (the prefix the tenant's identity already reads), imported on create and kept in sync both ways (new,
  changed, deleted). At most 8 per file system (CreateDataRepositoryAssociation), refused in the spec.
  The bucket is SSE-KMS with the platform's key, which FSx reaches through the file system's own
  service-linked role (`AWSServiceRoleForFSxS3Access_<fs id>`, made when the first association is): the FSx
  User Guide ("Working with server-side encrypted Amazon S3 buckets") has the key admit that role. Its name
  holds the file system's id, so it cannot be in the key policy written before the file system exists: a
  KMS grant to that role gives it the same operations once it exists (grants take no ViaService condition;
  the role is usable only by FSx for this file system).
  Creating one makes the directory the tenant's volume mounts (`<mount name>/tenants/<tenant>`: a Lustre
  subdirectory mount, FSx for Lustre User Guide "Mounting specific filesets").
- The FSx CSI driver chart (kubernetes-sigs/aws-fsx-csi-driver, pinned in core/data/chart_support.yaml) with
  `nodeComponentOnly`: the volumes are static, so no controller and no IAM role (the controller only
  creates and deletes file systems for dynamic provisioning; docs/install.md at the pinned tag). Its node
  DaemonSet tolerates every taint by default (`node.tolerateAllTaints`), GPU pools included.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.account import AwsAccount
from lepton_infra.core.cluster_handle import SharedVolume
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.helm import HELM_DEFAULT_TIMEOUT_SECONDS, pinned_release
from lepton_infra.kubernetes.charts.pinned import AWS_FSX_CSI_DRIVER

if TYPE_CHECKING:
    from lepton_infra.aws.artifacts import ArtifactStore
    from lepton_infra.aws.cluster import Cluster
    from lepton_infra.aws.encryption import EncryptionKey
    from lepton_infra.aws.network import Network
    from lepton_infra.spec.resolved import ResolvedPlatform

CSI_DRIVER = "fsx.csi.aws.com"  # the chart's CSIDriver (templates/csidriver.yaml at the pinned tag)
LUSTRE_PORTS = ((988, 988), (1018, 1023))  # LNET, and the ports Lustre servers and clients also use
# The node kernel decides which Lustre versions its client mounts (FSx "Lustre client compatibility matrix");
# the driver's docs/install.md at the pinned tag names 2.15 for the newer kernels (AL2023).
LUSTRE_VERSION = "2.15"
# Mount options of the driver's static-provisioning example (examples/kubernetes/static_provisioning at the
# pinned tag): flock gives the tenants' pods POSIX locks across nodes.
MOUNT_OPTIONS = ("flock",)
SYNC_EVENTS = ["NEW", "CHANGED", "DELETED"]
# What the FSx User Guide's key policy statement allows the role (kms:Encrypt, Decrypt, ReEncrypt*,
# GenerateDataKey*, DescribeKey), as KMS grant operations.
S3_ACCESS_OPERATIONS = [
    "Encrypt",
    "Decrypt",
    "ReEncryptFrom",
    "ReEncryptTo",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "DescribeKey",
]
S3_ACCESS_ROLE_PATH = (
    "role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_"
)


def tenant_path(tenant: str) -> str:
    """The tenant's directory on the file system (its data repository association's path)."""
    return f"/tenants/{tenant}"


@dataclass
class SharedFilesystemArgs(ComponentArgs):
    vpc_id: pulumi.Input[str]
    """The platform's VPC: the file system's security group lives there."""
    subnet_id: pulumi.Input[str]
    """One private subnet (PERSISTENT_2 is single-AZ): the platform's first zone's."""
    node_security_group_id: pulumi.Input[str]
    """The nodes' security group: the only clients admitted."""
    key_arn: pulumi.Input[str]
    """The platform's KMS key: encrypts the file system at rest."""
    bucket_name: pulumi.Input[str]
    """The model bucket: each tenant's directory is linked to its `tenants/<tenant>/` prefix."""
    tenants: Sequence[str]
    """The tenants, each given a directory and a volume."""
    capacity_gib: int
    """Provisioned storage, a size FSx accepts (spec/filesystem_rules.py)."""
    throughput_mbps_per_tib: int
    """PERSISTENT_2 throughput tier: 125, 250, 500 or 1000."""
    protect: bool
    """Protect the file system and its associations from deletion (prod)."""
    name_prefix: str
    """The platform's label: the Name tags."""
    k8s_provider: pulumi.ProviderResource
    """The cluster's Kubernetes provider (the CSI driver release)."""
    account: AwsAccount
    """The account and partition: the ARN of the file system's S3 access role."""
    wait_for: Sequence[pulumi.Resource] = ()
    """What the CSI driver release waits for (the node groups). Default: nothing."""

    def problems(self) -> Iterator[Problem]:
        if self.capacity_gib <= 0:
            yield Problem("capacity_gib", self.capacity_gib, "must be positive", "use 1200 or more")


class SharedFilesystem(Component):
    TOKEN = "lepton:aws:SharedFilesystem"

    def __init__(
        self, name: str, args: SharedFilesystemArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        group = aws.ec2.SecurityGroup(
            child_name(name, "sg"),
            vpc_id=args.vpc_id,
            description="FSx for Lustre: Lustre from the cluster's nodes only",
            tags={"Name": f"{args.name_prefix}-fsx"},
            opts=self.child_opts(),
        )
        rules = self._lustre_rules(name, group.id, args.node_security_group_id)
        self.file_system = aws.fsx.LustreFileSystem(
            child_name(name, "lustre"),
            deployment_type="PERSISTENT_2",
            storage_type="SSD",
            storage_capacity=args.capacity_gib,
            per_unit_storage_throughput=args.throughput_mbps_per_tib,
            file_system_type_version=LUSTRE_VERSION,
            subnet_ids=args.subnet_id,  # one subnet: pulumi-aws 7 types it as one ID
            security_group_ids=[group.id],
            kms_key_id=args.key_arn,
            data_compression_type="LZ4",
            tags={"Name": f"{args.name_prefix}-shared"},
            opts=self.child_opts(protect=args.protect, depends_on=rules),
        )
        fs = self.file_system
        associations = {
            tenant: aws.fsx.DataRepositoryAssociation(
                child_name(name, f"dra-{tenant}"),
                file_system_id=fs.id,
                file_system_path=tenant_path(tenant),
                data_repository_path=pulumi.Output.concat("s3://", args.bucket_name, f"/tenants/{tenant}/"),
                batch_import_meta_data_on_create=True,
                s3=aws.fsx.DataRepositoryAssociationS3Args(
                    auto_import_policy=aws.fsx.DataRepositoryAssociationS3AutoImportPolicyArgs(
                        events=SYNC_EVENTS
                    ),
                    auto_export_policy=aws.fsx.DataRepositoryAssociationS3AutoExportPolicyArgs(
                        events=SYNC_EVENTS
                    ),
                ),
                tags={"Name": f"{args.name_prefix}-{tenant}"},
                opts=self.child_opts(protect=args.protect),
            )
            for tenant in args.tenants
        }
        if associations:
            role = pulumi.Output.concat(
                "arn:",
                args.account.partition,
                ":iam::",
                args.account.account_id,
                ":",
                S3_ACCESS_ROLE_PATH,
                fs.id,
            )
            aws.kms.Grant(
                child_name(name, "s3-access"),
                key_id=args.key_arn,
                grantee_principal=role,
                operations=S3_ACCESS_OPERATIONS,
                # The role exists once FSx made it for the first association.
                opts=self.child_opts(depends_on=list(associations.values())),
            )
        self.csi_driver = pinned_release(
            child_name(name, "csi"),
            AWS_FSX_CSI_DRIVER,
            "kube-system",
            {"nodeComponentOnly": True, "node": {"tolerateAllTaints": True}},
            self.child_opts(provider=args.k8s_provider, depends_on=list(args.wait_for)),
            timeout_seconds=HELM_DEFAULT_TIMEOUT_SECONDS,
        )
        self.volumes: dict[str, SharedVolume] = {
            tenant: SharedVolume(
                driver=CSI_DRIVER,
                volume_handle=pulumi.Output.concat(fs.id, tenant_path(tenant)),
                attributes={
                    "dnsname": fs.dns_name,
                    "mountname": pulumi.Output.concat(fs.mount_name, tenant_path(tenant)),
                },
                capacity_gib=args.capacity_gib,
                mount_options=MOUNT_OPTIONS,
                ready=(self.csi_driver, association),
            )
            for tenant, association in associations.items()
        }
        self.finish({"file_system_id": fs.id, "dns_name": fs.dns_name, "mount_name": fs.mount_name})

    def _lustre_rules(
        self, name: str, group_id: pulumi.Output[str], node_group_id: pulumi.Input[str]
    ) -> list[pulumi.Resource]:
        """Lustre between the file system and the nodes, both ways, and among the file servers."""
        # (resource name, rule type, the group it is on, the other group, description)
        ingress, egress = aws.vpc.SecurityGroupIngressRule, aws.vpc.SecurityGroupEgressRule
        rules = (
            ("from-nodes", ingress, group_id, node_group_id, "from the cluster's nodes"),
            ("from-self", ingress, group_id, group_id, "between the file servers"),
            ("to-nodes", egress, group_id, node_group_id, "to the cluster's nodes"),
            ("to-self", egress, group_id, group_id, "between the file servers"),
            ("nodes-from-fsx", ingress, node_group_id, group_id, "from the platform's FSx file system"),
        )
        made: list[pulumi.Resource] = []
        for low, high in LUSTRE_PORTS:
            ports = f"{low}" if low == high else f"{low}-{high}"
            for rule_name, kind, on, other, why in rules:
                made.append(
                    kind(
                        child_name(name, f"{rule_name}-{ports}"),
                        security_group_id=on,
                        referenced_security_group_id=other,
                        ip_protocol="tcp",
                        from_port=low,
                        to_port=high,
                        description=f"Lustre {ports} {why}",
                        opts=self.child_opts(),
                    )
                )
        return made


def tenant_volumes(
    name: str,
    resolved: ResolvedPlatform,
    network: Network,
    cluster: Cluster,
    key: EncryptionKey,
    store: ArtifactStore,
    account: AwsAccount,
    node_groups: Sequence[pulumi.Resource],
    opts: pulumi.ResourceOptions,
) -> Mapping[str, SharedVolume]:
    """The platform's shared filesystem with `filesystem.enabled` (`ClusterHandle.shared_volumes`: each
    tenant's directory), else none and nothing created."""
    spec = resolved.spec
    if not spec.filesystem.enabled:
        return {}
    shared = SharedFilesystem(
        child_name(name, "filesystem"),
        SharedFilesystemArgs(
            vpc_id=network.vpc_id,
            subnet_id=network.private_subnet_ids[0],  # PERSISTENT_2 is single-AZ: the first zone's
            node_security_group_id=cluster.node_security_group.id,
            key_arn=key.arn,
            bucket_name=store.bucket_name,
            tenants=[t.name for t in spec.tenants],
            capacity_gib=resolved.filesystem_capacity_gib,
            throughput_mbps_per_tib=spec.filesystem.throughput_mbps_per_tib,
            protect=resolved.protect,
            name_prefix=resolved.name_prefix,
            k8s_provider=cluster.k8s_provider,
            account=account,
            wait_for=node_groups,
        ),
        opts,
    )
    return shared.volumes
