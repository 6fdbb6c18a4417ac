"""IRSA, the AWS workload identity: `WorkloadIdentityBinder` is the EKS cluster handle's `IdentityBinder`.
It gives a Kubernetes service account an IAM role, trusted by the cluster's OIDC provider for that service
account only, that reads one prefix of the model bucket (the same concept as `WorkloadIdentityBinder` in
gcp/identity.py and azure/identity.py)."""

from __future__ import annotations

import pulumi

from lepton_infra.aws.iam import allow, document, irsa_role
from lepton_infra.core.identity import BoundIdentity

IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"


def _list_prefix_only(bucket_arn: pulumi.Input[str], prefix: str) -> dict:
    """List the bucket only under `prefix/` (ListBucket names no object: s3:prefix scopes it)."""
    return allow(
        ["s3:ListBucket"],
        [bucket_arn],
        sid="ListPrefixOnly",
        condition={"StringLike": {"s3:prefix": [f"{prefix}/", f"{prefix}/*"]}},
    )


def _prefix_policy(
    bucket_arn: pulumi.Input[str],
    prefix: str,
    key_id: pulumi.Input[str],
    region: str,
    objects: tuple[str, list[str]],
    kms: tuple[str, list[str]],
) -> pulumi.Output[str]:
    """Object actions under `prefix/` (`objects`: sid, actions), listing only that prefix, and the CMK
    actions (`kms`: sid, actions) only through S3."""
    prefix = prefix.strip("/")
    return pulumi.Output.json_dumps(
        document(
            [
                allow(objects[1], [pulumi.Output.concat(bucket_arn, f"/{prefix}/*")], sid=objects[0]),
                _list_prefix_only(bucket_arn, prefix),
                allow(
                    kms[1],
                    [key_id],
                    sid=kms[0],
                    condition={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
                ),
            ]
        )
    )


def prefix_reader_policy(
    bucket_arn: pulumi.Input[str], prefix: str, key_id: pulumi.Input[str], region: str
) -> pulumi.Output[str]:
    """Read objects under `prefix/` and list only that prefix; decrypt with the CMK only through S3."""
    return _prefix_policy(
        bucket_arn,
        prefix,
        key_id,
        region,
        objects=("ReadPrefix", ["s3:GetObject", "s3:GetObjectVersion"]),
        kms=("DecryptThroughS3Only", ["kms:Decrypt", "kms:DescribeKey"]),
    )


def prefix_writer_policy(
    bucket_arn: pulumi.Input[str], prefix: str, key_id: pulumi.Input[str], region: str
) -> pulumi.Output[str]:
    """Read and write new objects under `prefix/` (the model hydration Job, through a Mountpoint mount): what
    Mountpoint needs to write, and no delete (awslabs/mountpoint-s3 tag mountpoint-s3-1.23.0,
    doc/CONFIGURATION.md "IAM permissions": s3:PutObject and s3:AbortMultipartUpload to write, s3:DeleteObject
    only to delete; kms:Decrypt and kms:GenerateDataKey to write SSE-KMS objects; read 2026-12-08)."""
    return _prefix_policy(
        bucket_arn,
        prefix,
        key_id,
        region,
        objects=("ReadWritePrefix", ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]),
        kms=("EncryptThroughS3Only", ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]),
    )


class WorkloadIdentityBinder:
    """An `IdentityBinder` for IRSA: a role trusted by the cluster's OIDC provider for exactly
    `system:serviceaccount:<ns>:<sa>`, reading one prefix of the model bucket. Its resources always get
    the platform's AWS provider, whatever parent the caller (the Kubernetes layer) gives them."""

    def __init__(
        self,
        *,
        platform: str,
        region: str,
        bucket_arn: pulumi.Input[str],
        key_id: pulumi.Input[str],
        oidc_provider_arn: pulumi.Input[str],
        oidc_issuer: pulumi.Input[str],
        provider: pulumi.ProviderResource,
        writes: bool = False,
    ) -> None:
        # False: reads the prefix (every tenant's workload); True: also writes new objects there (the model
        # hydration Job's own service account, never a tenant's workload).
        self.writes = writes
        self.platform = platform
        self.region = region
        self.bucket_arn = bucket_arn
        self.key_id = key_id
        self.oidc_provider_arn = oidc_provider_arn
        self.oidc_issuer = oidc_issuer
        self.provider = provider

    def __call__(
        self,
        name: str,
        namespace: str,
        service_account: str,
        bucket_prefix: str,
        opts: pulumi.ResourceOptions,
    ) -> BoundIdentity:
        role = irsa_role(
            name,
            platform=self.platform,
            oidc_provider_arn=self.oidc_provider_arn,
            oidc_issuer=self.oidc_issuer,
            namespace=namespace,
            service_account=service_account,
            policy=(prefix_writer_policy if self.writes else prefix_reader_policy)(
                self.bucket_arn, bucket_prefix, self.key_id, self.region
            ),
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=self.provider)),
            description=f"{'write' if self.writes else 'read'} s3 prefix {bucket_prefix.strip('/')}/ "
            f"for {namespace}/{service_account}",
        )
        return BoundIdentity(annotations={IRSA_ANNOTATION: role.arn})
