"""IRSA, the AWS workload identity: `WorkloadIdentityBinder` is the EKS cluster handle's `IdentityBinder`.
It gives a Kubernetes service account an IAM role, trusted by the cluster's OIDC provider for that service
account only, that reads one prefix of the model bucket (the same concept as `WorkloadIdentityBinder` in
gcp/identity.py and azure/identity.py)."""

from __future__ import annotations

import pulumi

from lepton_infra.aws.iam import allow, document, irsa_role
from lepton_infra.core.identity import BoundIdentity

IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"


def prefix_reader_policy(
    bucket_arn: pulumi.Input[str], prefix: str, key_id: pulumi.Input[str], region: str
) -> pulumi.Output[str]:
    """Read objects under `prefix/` and list only that prefix; decrypt with the CMK only through S3."""
    prefix = prefix.strip("/")
    return pulumi.Output.json_dumps(
        document(
            [
                allow(
                    ["s3:GetObject", "s3:GetObjectVersion"],
                    [pulumi.Output.concat(bucket_arn, f"/{prefix}/*")],
                    sid="ReadPrefix",
                ),
                allow(
                    ["s3:ListBucket"],
                    [bucket_arn],
                    sid="ListPrefixOnly",
                    condition={"StringLike": {"s3:prefix": [f"{prefix}/", f"{prefix}/*"]}},
                ),
                allow(
                    ["kms:Decrypt", "kms:DescribeKey"],
                    [key_id],
                    sid="DecryptThroughS3Only",
                    condition={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
                ),
            ]
        )
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
    ) -> None:
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
            policy=prefix_reader_policy(self.bucket_arn, bucket_prefix, self.key_id, self.region),
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=self.provider)),
            description=f"read s3 prefix {bucket_prefix.strip('/')}/ for {namespace}/{service_account}",
        )
        return BoundIdentity(annotations={IRSA_ANNOTATION: role.arn})
