"""The deployer's own cluster-admin access entry on EKS, explicit instead of EKS's creator admin.

`accessConfig.bootstrapClusterCreatorAdminPermissions` is off: with it on, EKS makes the creating
principal an admin through an access entry of its own, so an explicit entry for the same principal (the
natural prod runner is the platform admin role) fails with 409 ResourceInUseException, and the flag cannot
change later without replacing the cluster (pulumi/pulumi-eks#2373, terraform-aws-modules/terraform-aws-eks
#2968; read 2026-12-07). Every admin is therefore explicit: the deployer is `aws.deployer_role_arn` or,
unset, the principal behind the caller's credentials (sts:GetCallerIdentity, mapped from an assumed-role
session to its role by iam:GetSessionContext's data source)."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws


def caller_principal(parent: pulumi.Resource) -> pulumi.Output[str]:
    """The IAM role (or user) ARN whose credentials run `pulumi up`, with its path."""
    opts = pulumi.InvokeOutputOptions(parent=parent)
    caller = aws.get_caller_identity_output(opts=opts).arn
    return aws.iam.get_session_context_output(arn=caller, opts=opts).issuer_arn


def refuse_if_listed(deployer: pulumi.Output[str], listed: Sequence[str]) -> pulumi.Output[str]:
    """The caller's principal, refused (at preview, before anything is created) when the spec already
    lists it: two access entries for one principal fail with 409 at apply."""

    def check(arn: str) -> str:
        if arn in listed:
            raise ValueError(
                f"the deploying identity {arn} is also listed in aws.admin_role_arns or "
                "aws.tenant_admin_roles: set aws.deployer_role_arn to it, so the platform gives it one "
                "access entry (docs/aws.md, 'The deployer's cluster access')"
            )
        return arn

    return deployer.apply(check)
