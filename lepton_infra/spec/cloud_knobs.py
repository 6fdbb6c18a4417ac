"""Per-cloud settings that have no cloud-agnostic meaning. Only the chosen cloud's block may be set."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from lepton_infra.spec.base import SpecModel, described

IamRoleArn = Annotated[str, StringConstraints(pattern=described(
    r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$",
    "an IAM role ARN: `arn:aws:iam::<12-digit account>:role/<name>`"))]


class AwsKnobs(SpecModel):
    admin_role_arns: list[IamRoleArn] = Field(
        default_factory=list,
        description="IAM roles given cluster-admin through EKS access entries. Default none (the "
        "creator keeps admin).",
    )
    addon_versions: dict[str, str] = Field(
        default_factory=dict,
        description="Pinned EKS add-on versions by add-on name; unpinned add-ons use the most recent "
        "version compatible with the cluster.",
    )
    interface_endpoints: bool | None = Field(
        default=None,
        description="Private interface endpoints (ECR, STS, logs, EC2). Default: on in prod, off "
        "otherwise (each costs about $7/month per zone).",
    )


class GcpKnobs(SpecModel):
    project: Annotated[str, StringConstraints(pattern=described(
        r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$", "a GCP project id: 6 to 30 lowercase letters, digits and hyphens, "
        "starting with a letter and not ending with a hyphen"))] = Field(
        description="GCP project id."
    )
    billing_account: Annotated[str, StringConstraints(pattern=described(
        r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$",
        "a billing account id: three groups of 6 uppercase hex digits, `XXXXXX-XXXXXX-XXXXXX`"))] | None = (
        Field(default=None, description="Billing account id (XXXXXX-XXXXXX-XXXXXX) for the budget. "
              "Required when `budget` is set.")
    )
    release_channel: Literal["RAPID", "REGULAR", "STABLE"] = Field(
        default="REGULAR", description="GKE release channel. Default REGULAR."
    )


class AzureKnobs(SpecModel):
    subscription_id: Annotated[str, StringConstraints(pattern=described(
        r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", "a subscription id: a lowercase GUID "
        "(`00000000-0000-0000-0000-000000000000`)"))] = (
        Field(description="Azure subscription id.")
    )
    resource_group: str | None = Field(
        default=None, description="Resource group name. Default `<name>-<environment>-rg`."
    )
