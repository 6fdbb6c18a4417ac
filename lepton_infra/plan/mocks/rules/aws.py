"""Plausible AWS outputs: ARNs and ids as AWS forms them, for the cluster, its nodes, identity, keys,
the network and the stores. Invoke answers are in `aws_invokes.py`, certificates and DNS in
`aws_traffic.py`."""

from __future__ import annotations

from typing import Any

from lepton_infra.plan.mocks.registry import FAKE_CA, MockContext, outputs_for, outputs_for_prefix, short_hash

_IAM_GLOBAL = {"iam"}


def _module_and_kind(type_token: str) -> tuple[str, str]:
    module = type_token.split(":")[1].split("/")[0]
    kind = type_token.rsplit(":", 1)[1]
    return module, kind[0].lower() + kind[1:]


def partition_of(region: str) -> str:
    """The partition a region belongs to, as STS and `aws.get_partition` answer there."""
    for prefix, partition in (
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-iso-", "aws-iso"),
        ("us-isob-", "aws-iso-b"),
    ):
        if region.startswith(prefix):
            return partition
    return "aws"


def aws_arn(ctx: MockContext, service: str, resource: str, *, regional: bool = True) -> str:
    region = ctx.aws_region if regional and service not in _IAM_GLOBAL else ""
    return f"arn:{partition_of(ctx.aws_region)}:{service}:{region}:{ctx.aws_account}:{resource}"


@outputs_for_prefix("aws:")
def generic(name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any]) -> dict[str, Any]:
    module, kind = _module_and_kind(meta["type"])
    physical = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    out: dict[str, Any] = {
        "arn": aws_arn(ctx, module, f"{kind}/{physical}"),
        "tagsAll": inputs.get("tags") or {},
    }
    if "name" not in inputs and "namePrefix" not in inputs:
        out["name"] = physical
    return out


def with_generic(
    name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any], extra: dict[str, Any]
) -> dict[str, Any]:
    out = generic(name, inputs, ctx, meta)
    out.update(extra)
    return out


@outputs_for("aws:eks/cluster:Cluster")
def eks_cluster(name, inputs, ctx, meta):
    cluster_name = inputs.get("name") or name
    oidc_id = short_hash(cluster_name, length=32).upper()
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": cluster_name,
            "name": cluster_name,
            "arn": aws_arn(ctx, "eks", f"cluster/{cluster_name}"),
            "endpoint": f"https://{oidc_id}.gr7.{ctx.aws_region}.eks.amazonaws.com",
            "certificateAuthority": {"data": FAKE_CA},
            "identities": [
                {"oidcs": [{"issuer": f"https://oidc.eks.{ctx.aws_region}.amazonaws.com/id/{oidc_id}"}]}
            ],
            "version": inputs.get("version", "1.33"),
            "platformVersion": "eks.1",
            "status": "ACTIVE",
            "vpcConfig": {
                **(inputs.get("vpcConfig") or {}),
                "clusterSecurityGroupId": f"sg-{short_hash(name, 'eks')}",
            },
        },
    )


@outputs_for("aws:eks/nodeGroup:NodeGroup")
def eks_node_group(name, inputs, ctx, meta):
    # A prefix (create-before-delete pools) gets a generated suffix, as EKS's API names it.
    prefix = inputs.get("nodeGroupNamePrefix")
    group = inputs.get("nodeGroupName") or (
        f"{prefix}{short_hash(name, length=26)}" if prefix else f"{name}-{short_hash(name, length=7)}"
    )
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "nodeGroupName": group,
            "arn": aws_arn(
                ctx, "eks", f"nodegroup/{inputs.get('clusterName', 'cluster')}/{group}/{short_hash(group)}"
            ),
            "status": "ACTIVE",
            "resources": [
                {
                    "autoscalingGroups": [{"name": f"eks-{group}-{short_hash(group, 'asg', length=12)}"}],
                    "remoteAccessSecurityGroupId": "",
                }
            ],
        },
    )


@outputs_for("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
def oidc_provider(name, inputs, ctx, meta):
    url = str(inputs.get("url", "")).removeprefix("https://")
    return with_generic(
        name, inputs, ctx, meta, {"arn": aws_arn(ctx, "iam", f"oidc-provider/{url}", regional=False)}
    )


@outputs_for("aws:kms/key:Key")
def kms_key(name, inputs, ctx, meta):
    key_id = (
        f"{short_hash(name, 'a')}-{short_hash(name, 'b', length=4)}-{short_hash(name, 'c', length=4)}-"
        f"{short_hash(name, 'd', length=4)}-{short_hash(name, 'e', length=12)}"
    )
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {"__id__": key_id, "keyId": key_id, "arn": aws_arn(ctx, "kms", f"key/{key_id}")},
    )


@outputs_for("aws:kms/alias:Alias")
def kms_alias(name, inputs, ctx, meta):
    alias = inputs.get("name") or f"alias/{name}"
    return with_generic(name, inputs, ctx, meta, {"name": alias, "arn": aws_arn(ctx, "kms", alias)})


@outputs_for("aws:ec2/vpc:Vpc")
def vpc(name, inputs, ctx, meta):
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": f"vpc-{short_hash(name, length=17)}",
            "defaultSecurityGroupId": f"sg-{short_hash(name, 'default')}",
            "defaultNetworkAclId": f"acl-{short_hash(name, 'acl')}",
            "mainRouteTableId": f"rtb-{short_hash(name, 'main')}",
        },
    )


def _prefixed_id(prefix: str):
    def rule(name, inputs, ctx, meta):
        return with_generic(name, inputs, ctx, meta, {"__id__": f"{prefix}-{short_hash(name, length=17)}"})

    return rule


for _token, _prefix in {
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
}.items():
    outputs_for(_token)(_prefixed_id(_prefix))


@outputs_for("aws:fsx/lustreFileSystem:LustreFileSystem")
def fsx_lustre(name, inputs, ctx, meta):
    # The shapes FSx answers with: `fs-` and 17 hex digits; the DNS name under the region's fsx domain; a
    # PERSISTENT_2 file system's 8-character mount name (API FileSystem.LustreConfiguration.MountName).
    fs_id = f"fs-{short_hash(name, length=17)}"
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": fs_id,
            "arn": aws_arn(ctx, "fsx", f"file-system/{fs_id}"),
            "dnsName": f"{fs_id}.fsx.{ctx.aws_region}.amazonaws.com",
            "mountName": short_hash(name, "mount"),
        },
    )


@outputs_for("aws:ec2/launchTemplate:LaunchTemplate")
def launch_template(name, inputs, ctx, meta):
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {"__id__": f"lt-{short_hash(name, length=17)}", "latestVersion": 1, "defaultVersion": 1},
    )


@outputs_for("aws:ec2/eip:Eip")
def eip(name, inputs, ctx, meta):
    h = int(short_hash(name, length=4), 16)
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {"__id__": f"eipalloc-{short_hash(name, length=17)}", "publicIp": f"198.51.100.{h % 250 + 1}"},
    )


@outputs_for("aws:iam/role:Role")
def iam_role(name, inputs, ctx, meta):
    role = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": role,
            "name": role,
            "arn": aws_arn(ctx, "iam", f"role/{role}", regional=False),
            "uniqueId": f"AROA{short_hash(role, length=16).upper()}",
        },
    )


@outputs_for("aws:iam/serviceLinkedRole:ServiceLinkedRole")
def iam_service_linked_role(name, inputs, ctx, meta):
    # IAM names the role after the service: AWSServiceRoleFor<Service>[_<suffix>] under aws-service-role/.
    service = inputs.get("awsServiceName", "example.amazonaws.com")
    stem = service.split(".")[0]
    known = {"autoscaling": "AutoScaling"}
    role = "AWSServiceRoleFor" + (known[stem] if stem in known else str(stem).capitalize())
    if inputs.get("customSuffix"):
        role += f"_{inputs['customSuffix']}"
    arn = aws_arn(ctx, "iam", f"role/aws-service-role/{service}/{role}", regional=False)
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {"__id__": arn, "name": role, "arn": arn, "path": f"/aws-service-role/{service}/"},
    )


@outputs_for("aws:iam/policy:Policy")
def iam_policy(name, inputs, ctx, meta):
    policy = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    arn = aws_arn(ctx, "iam", f"policy/{policy}", regional=False)
    return with_generic(name, inputs, ctx, meta, {"__id__": arn, "name": policy, "arn": arn})


@outputs_for("aws:s3/bucket:Bucket")
@outputs_for("aws:s3/bucketV2:BucketV2")
def s3_bucket(name, inputs, ctx, meta):
    bucket = inputs.get("bucket") or f"{name}-{short_hash(name, length=7)}"
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": bucket,
            "bucket": bucket,
            "arn": f"arn:{partition_of(ctx.aws_region)}:s3:::{bucket}",
            "bucketRegionalDomainName": f"{bucket}.s3.{ctx.aws_region}.amazonaws.com",
        },
    )


@outputs_for("aws:ecr/repository:Repository")
def ecr_repository(name, inputs, ctx, meta):
    repo = inputs.get("name") or name
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": repo,
            "name": repo,
            "registryId": ctx.aws_account,
            "arn": aws_arn(ctx, "ecr", f"repository/{repo}"),
            "repositoryUrl": f"{ctx.aws_account}.dkr.ecr.{ctx.aws_region}.amazonaws.com/{repo}",
        },
    )


@outputs_for("aws:sns/topic:Topic")
def sns_topic(name, inputs, ctx, meta):
    topic = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    arn = aws_arn(ctx, "sns", topic)
    return with_generic(name, inputs, ctx, meta, {"__id__": arn, "name": topic, "arn": arn})


@outputs_for("aws:cloudwatch/logGroup:LogGroup")
def log_group(name, inputs, ctx, meta):
    group = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {"__id__": group, "name": group, "arn": aws_arn(ctx, "logs", f"log-group:{group}")},
    )
