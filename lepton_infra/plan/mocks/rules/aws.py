"""Plausible AWS outputs and invoke answers."""

from __future__ import annotations

import base64
import json
from typing import Any

from lepton_infra.plan.mocks.registry import MockContext, invoke, outputs_for, outputs_for_prefix, short_hash

FAKE_CA = base64.b64encode(
    b"-----BEGIN CERTIFICATE-----\nMIIOfflineLeptonCA\n-----END CERTIFICATE-----\n"
).decode()
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


def _arn(ctx: MockContext, service: str, resource: str, *, regional: bool = True) -> str:
    region = ctx.aws_region if regional and service not in _IAM_GLOBAL else ""
    return f"arn:{partition_of(ctx.aws_region)}:{service}:{region}:{ctx.aws_account}:{resource}"


@outputs_for_prefix("aws:")
def generic(name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any]) -> dict[str, Any]:
    module, kind = _module_and_kind(meta["type"])
    physical = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    out: dict[str, Any] = {
        "arn": _arn(ctx, module, f"{kind}/{physical}"),
        "tagsAll": inputs.get("tags") or {},
    }
    if "name" not in inputs and "namePrefix" not in inputs:
        out["name"] = physical
    return out


def _with_generic(
    name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any], extra: dict[str, Any]
) -> dict[str, Any]:
    out = generic(name, inputs, ctx, meta)
    out.update(extra)
    return out


@outputs_for("aws:eks/cluster:Cluster")
def eks_cluster(name, inputs, ctx, meta):
    cluster_name = inputs.get("name") or name
    oidc_id = short_hash(cluster_name, length=32).upper()
    return _with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": cluster_name,
            "name": cluster_name,
            "arn": _arn(ctx, "eks", f"cluster/{cluster_name}"),
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
    return _with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "nodeGroupName": group,
            "arn": _arn(
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
    return _with_generic(
        name, inputs, ctx, meta, {"arn": _arn(ctx, "iam", f"oidc-provider/{url}", regional=False)}
    )


@outputs_for("aws:kms/key:Key")
def kms_key(name, inputs, ctx, meta):
    key_id = (
        f"{short_hash(name, 'a')}-{short_hash(name, 'b', length=4)}-{short_hash(name, 'c', length=4)}-"
        f"{short_hash(name, 'd', length=4)}-{short_hash(name, 'e', length=12)}"
    )
    return _with_generic(
        name, inputs, ctx, meta, {"__id__": key_id, "keyId": key_id, "arn": _arn(ctx, "kms", f"key/{key_id}")}
    )


@outputs_for("aws:kms/alias:Alias")
def kms_alias(name, inputs, ctx, meta):
    alias = inputs.get("name") or f"alias/{name}"
    return _with_generic(name, inputs, ctx, meta, {"name": alias, "arn": _arn(ctx, "kms", alias)})


@outputs_for("aws:ec2/vpc:Vpc")
def vpc(name, inputs, ctx, meta):
    return _with_generic(
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
        return _with_generic(name, inputs, ctx, meta, {"__id__": f"{prefix}-{short_hash(name, length=17)}"})

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


@outputs_for("aws:ec2/launchTemplate:LaunchTemplate")
def launch_template(name, inputs, ctx, meta):
    return _with_generic(
        name,
        inputs,
        ctx,
        meta,
        {"__id__": f"lt-{short_hash(name, length=17)}", "latestVersion": 1, "defaultVersion": 1},
    )


@outputs_for("aws:ec2/eip:Eip")
def eip(name, inputs, ctx, meta):
    h = int(short_hash(name, length=4), 16)
    return _with_generic(
        name,
        inputs,
        ctx,
        meta,
        {"__id__": f"eipalloc-{short_hash(name, length=17)}", "publicIp": f"198.51.100.{h % 250 + 1}"},
    )


@outputs_for("aws:iam/role:Role")
def iam_role(name, inputs, ctx, meta):
    role = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    return _with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": role,
            "name": role,
            "arn": _arn(ctx, "iam", f"role/{role}", regional=False),
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
    arn = _arn(ctx, "iam", f"role/aws-service-role/{service}/{role}", regional=False)
    return _with_generic(
        name,
        inputs,
        ctx,
        meta,
        {"__id__": arn, "name": role, "arn": arn, "path": f"/aws-service-role/{service}/"},
    )


@outputs_for("aws:iam/policy:Policy")
def iam_policy(name, inputs, ctx, meta):
    policy = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    arn = _arn(ctx, "iam", f"policy/{policy}", regional=False)
    return _with_generic(name, inputs, ctx, meta, {"__id__": arn, "name": policy, "arn": arn})


@outputs_for("aws:s3/bucket:Bucket")
@outputs_for("aws:s3/bucketV2:BucketV2")
def s3_bucket(name, inputs, ctx, meta):
    bucket = inputs.get("bucket") or f"{name}-{short_hash(name, length=7)}"
    return _with_generic(
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
    return _with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": repo,
            "name": repo,
            "registryId": ctx.aws_account,
            "arn": _arn(ctx, "ecr", f"repository/{repo}"),
            "repositoryUrl": f"{ctx.aws_account}.dkr.ecr.{ctx.aws_region}.amazonaws.com/{repo}",
        },
    )


@outputs_for("aws:sns/topic:Topic")
def sns_topic(name, inputs, ctx, meta):
    topic = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    arn = _arn(ctx, "sns", topic)
    return _with_generic(name, inputs, ctx, meta, {"__id__": arn, "name": topic, "arn": arn})


@outputs_for("aws:cloudwatch/logGroup:LogGroup")
def log_group(name, inputs, ctx, meta):
    group = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    return _with_generic(
        name,
        inputs,
        ctx,
        meta,
        {"__id__": group, "name": group, "arn": _arn(ctx, "logs", f"log-group:{group}")},
    )


# --- invokes -----------------------------------------------------------------------------------------


@invoke("aws:index/getAvailabilityZones:getAvailabilityZones")
def availability_zones(args: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    letters = "abcdef"
    return {
        "names": [f"{ctx.aws_region}{c}" for c in letters],
        "zoneIds": [f"use1-az{i + 1}" for i in range(len(letters))],
        "id": ctx.aws_region,
        "groupNames": [ctx.aws_region],
    }


@invoke("aws:index/getCallerIdentity:getCallerIdentity")
def caller_identity(args, ctx):
    return {
        "accountId": ctx.aws_account,
        "arn": f"arn:{partition_of(ctx.aws_region)}:iam::{ctx.aws_account}:user/offline",
        "userId": "AIDAOFFLINE",
        "id": ctx.aws_account,
    }


@invoke("aws:index/getPartition:getPartition")
def partition(args, ctx):
    name = partition_of(ctx.aws_region)
    suffix = {"aws-cn": "amazonaws.com.cn"}.get(name, "amazonaws.com")
    return {
        "partition": name,
        "dnsSuffix": suffix,
        "id": name,
        "reverseDnsPrefix": ".".join(reversed(suffix.split("."))),
    }


@invoke("aws:index/getRegion:getRegion")
def region(args, ctx):
    return {
        "name": ctx.aws_region,
        "region": ctx.aws_region,
        "id": ctx.aws_region,
        "endpoint": f"ec2.{ctx.aws_region}.amazonaws.com",
        "description": ctx.aws_region,
    }


@invoke("aws:eks/getAddonVersion:getAddonVersion")
def addon_version(args, ctx):
    return {
        "addonName": args.get("addonName"),
        "kubernetesVersion": args.get("kubernetesVersion"),
        "version": "v1.0.0-eksbuild.1",
        "id": args.get("addonName"),
    }


@invoke("aws:iam/getPolicyDocument:getPolicyDocument")
def policy_document(args, ctx):
    statements = []
    for st in args.get("statements") or []:
        out: dict[str, Any] = {"Effect": st.get("effect", "Allow")}
        for src, dst in (("sid", "Sid"), ("actions", "Action"), ("resources", "Resource")):
            if st.get(src):
                out[dst] = st[src]
        if st.get("principals"):
            out["Principal"] = {p["type"]: p["identifiers"] for p in st["principals"]}
        if st.get("conditions"):
            cond: dict[str, Any] = {}
            for c in st["conditions"]:
                cond.setdefault(c["test"], {})[c["variable"]] = c["values"]
            out["Condition"] = cond
        statements.append(out)
    doc = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return {"json": doc, "minifiedJson": doc, "id": short_hash(doc)}


@outputs_for("aws:acm/certificate:Certificate")
def acm_certificate(name, inputs, ctx, meta):
    """A DNS-validated certificate answers with the one CNAME ACM asks for its domain."""
    domain = str(inputs.get("domainName") or name)
    cert_id = short_hash(name, "acm", length=32)
    token = short_hash(domain, "acm-validation", length=32)
    validation = (
        [
            {
                "domainName": domain,
                "resourceRecordName": f"_{token}.{domain}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{short_hash(token, length=32)}.acm-validations.aws.",
            }
        ]
        if inputs.get("validationMethod") == "DNS"
        else []
    )
    return _with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": _arn(ctx, "acm", f"certificate/{cert_id}"),
            "arn": _arn(ctx, "acm", f"certificate/{cert_id}"),
            "domainValidationOptions": validation,
            "status": "PENDING_VALIDATION" if validation else "ISSUED",
        },
    )


@outputs_for("aws:route53/record:Record")
def route53_record(name, inputs, ctx, meta):
    return _with_generic(name, inputs, ctx, meta, {"fqdn": str(inputs.get("name") or name).rstrip(".")})


@outputs_for("aws:acm/certificateValidation:CertificateValidation")
def acm_validation(name, inputs, ctx, meta):
    return _with_generic(name, inputs, ctx, meta, {"certificateArn": inputs.get("certificateArn")})


@outputs_for("aws:route53/zone:Zone")
def route53_zone(name, inputs, ctx, meta):
    """A hosted zone: Route 53's id (`Z` and 13-21 uppercase letters and digits), the global ARN, and the
    name servers Route 53 reports (a private zone answers only through the VPC resolver, but reports them
    too)."""
    zone_id = "Z" + short_hash(name, "zone", length=20).upper()
    servers = [
        f"ns-{int(short_hash(name, str(i), length=3), 16) % 2048}.awsdns-{i:02d}.{tld}"
        for i, tld in enumerate(("com", "net", "org", "co.uk"))
    ]
    return _with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": zone_id,
            "zoneId": zone_id,
            "nameServers": servers,
            "primaryNameServer": servers[0],
            "arn": f"arn:{partition_of(ctx.aws_region)}:route53:::hostedzone/{zone_id}",
        },
    )


# The canonical hosted zone of ALBs per region, as the provider's `aws.lb.get_hosted_zone_id` table has it
# (AWS General Reference, "Elastic Load Balancing endpoints and quotas").
ALB_HOSTED_ZONES = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "ca-central-1": "ZQSVJUPU6J1EY",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-west-2": "ZHURV8PSTC4K8",
    "eu-west-3": "Z3Q77PNBQS71R4",
    "eu-central-1": "Z215JYRZR1TBD5",
    "eu-north-1": "Z23TAZ6LKFMNIO",
    "ap-northeast-1": "Z14GRHDCWA56QT",
    "ap-northeast-2": "ZWKZPGTI48KDX",
    "ap-south-1": "ZP97RAFLXTNZK",
    "ap-southeast-1": "Z1LMS91P8CMLE5",
    "ap-southeast-2": "Z1GM3OXH4ZPM65",
    "sa-east-1": "Z2P70J7HTTTPLU",
}


@invoke("aws:lb/getHostedZoneId:getHostedZoneId")
def lb_hosted_zone_id(args, ctx):
    region = args.get("region") or ctx.aws_region
    kind = args.get("loadBalancerType") or "application"
    zone = ALB_HOSTED_ZONES.get(region) if kind == "application" else None
    # Regions and NLBs not in the table: a stable id of the same shape.
    return {
        "id": zone or "Z" + short_hash(region, kind, length=13).upper(),
        "region": region,
        "loadBalancerType": kind,
    }
