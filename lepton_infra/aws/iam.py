"""IAM building blocks: policy documents as plain Python data, trust policies, and IRSA roles.

Documents are built here as dicts and serialised with `json.dumps` / `Output.json_dumps`, so tests can
read them back from the plan and check them (no `Action: *` on `Resource: *`, conditions present).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from lepton_infra.core.naming import physical_name

VERSION = "2012-10-17"
Statement = dict[str, Any]


def document(statements: Sequence[Statement]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": list(statements)}


def allow(
    actions: Sequence[str],
    resources: Sequence[Any] | Any,
    *,
    sid: str | None = None,
    condition: Mapping[str, Any] | pulumi.Output[Any] | None = None,
) -> Statement:
    """One Allow statement. `resources` may hold Outputs; serialise the document with
    `pulumi.Output.json_dumps`."""
    st: Statement = {
        "Effect": "Allow",
        "Action": list(actions),
        "Resource": list(resources) if isinstance(resources, list | tuple) else resources,
    }
    if sid:
        st["Sid"] = sid
    if condition:
        st["Condition"] = condition if isinstance(condition, pulumi.Output) else dict(condition)
    return st


def service_trust(
    services: Sequence[str], *, source_account: pulumi.Input[str] | None = None
) -> pulumi.Output[str]:
    """Trust policy for AWS services. With `source_account`, the confused-deputy guard
    (`aws:SourceAccount`) is added: only this account's resources may make the service assume the role."""
    st: Statement = {"Effect": "Allow", "Principal": {"Service": list(services)}, "Action": "sts:AssumeRole"}
    if source_account is not None:
        st["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return pulumi.Output.json_dumps(document([st]))


def irsa_trust(
    oidc_provider_arn: pulumi.Input[str], oidc_issuer: pulumi.Input[str], namespace: str, service_account: str
) -> pulumi.Output[str]:
    """Trust for exactly one Kubernetes service account through the cluster's OIDC provider.
    `oidc_issuer` is the issuer URL; both `sub` and `aud` are pinned (a bare `sub` check would let any
    audience's token in)."""
    host = pulumi.Output.from_input(oidc_issuer).apply(lambda url: url.removeprefix("https://"))
    condition = host.apply(
        lambda h: {
            "StringEquals": {
                f"{h}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                f"{h}:aud": "sts.amazonaws.com",
            }
        }
    )
    st = {
        "Effect": "Allow",
        "Principal": {"Federated": oidc_provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }
    return pulumi.Output.json_dumps(document([st]))


def has_admin_wildcard(policy: Mapping[str, Any] | str) -> bool:
    """True when any Allow statement grants `*` actions on `*` resources (what we never write)."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    statements = doc.get("Statement", [])
    for st in statements if isinstance(statements, list) else [statements]:
        actions = st.get("Action", [])
        resources = st.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if st.get("Effect") == "Allow" and "*" in actions and "*" in resources:
            return True
    return False


@dataclass(frozen=True)
class IrsaRole:
    """An IRSA role and its inline policy. `arn` is the role's ARN as its users should take it: it resolves
    only once the policy is attached, so whatever is handed the ARN (a chart's values, an add-on, an annotated
    ServiceAccount) starts after the grant on `up` and is deleted before it on `destroy` (a controller
    still cleaning up, deleting its ALBs or volumes, keeps its rights until it is gone)."""

    role: aws.iam.Role
    policy: aws.iam.RolePolicy | None
    arn: pulumi.Output[str]


def irsa_role(
    name: str,
    *,
    platform: str,
    oidc_provider_arn: pulumi.Input[str],
    oidc_issuer: pulumi.Input[str],
    namespace: str,
    service_account: str,
    policy: pulumi.Input[str] | None,
    opts: pulumi.ResourceOptions,
    description: str = "",
) -> IrsaRole:
    """An IAM role only `namespace/service_account` can assume, with one inline policy. `opts` carries
    the parent (and provider); children are named `<name>-role` / `<name>-policy`."""
    role = aws.iam.Role(
        f"{name}-role",
        name=physical_name(platform, namespace, service_account, limit="aws:iam-role"),
        description=description or f"IRSA role for {namespace}/{service_account}",
        assume_role_policy=irsa_trust(oidc_provider_arn, oidc_issuer, namespace, service_account),
        max_session_duration=3600,
        opts=opts,
    )
    if policy is None:
        return IrsaRole(role=role, policy=None, arn=role.arn)
    grant = aws.iam.RolePolicy(f"{name}-policy", role=role.id, policy=policy, opts=opts)
    return IrsaRole(role=role, policy=grant, arn=granted_arn(role, [grant]))


def granted_arn(role: aws.iam.Role, grants: Sequence[pulumi.Resource]) -> pulumi.Output[str]:
    """The role's ARN, carrying a dependency on each of its grants (see `IrsaRole`)."""
    return pulumi.Output.all(role.arn, *[pulumi.Output.from_input(g.urn) for g in grants]).apply(
        lambda values: str(values[0])
    )
