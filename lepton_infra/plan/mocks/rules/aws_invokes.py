"""Plausible answers to the AWS invokes (data sources) the platform calls."""

from __future__ import annotations

import json
from typing import Any

from lepton_infra.plan.mocks.registry import MockContext, invoke, short_hash
from lepton_infra.plan.mocks.rules.aws import partition_of

# One account's zones as DescribeAvailabilityZones lists them: names map to zone IDs differently in every
# account, us-east-1 has the zone ID EKS refuses for cluster subnets (use1-az3), and the account opted into
# a Local Zone, whose name sorts before us-east-1a. (name, zone ID, zone type, opt-in status.)
US_EAST_1_ZONES = (
    ("us-east-1-atl-2a", "use1-atl2-az1", "local-zone", "opted-in"),
    ("us-east-1a", "use1-az6", "availability-zone", "opt-in-not-required"),
    ("us-east-1b", "use1-az3", "availability-zone", "opt-in-not-required"),
    ("us-east-1c", "use1-az1", "availability-zone", "opt-in-not-required"),
    ("us-east-1d", "use1-az2", "availability-zone", "opt-in-not-required"),
    ("us-east-1e", "use1-az4", "availability-zone", "opt-in-not-required"),
    ("us-east-1f", "use1-az5", "availability-zone", "opt-in-not-required"),
)


def _zones_of(region: str) -> tuple[tuple[str, str, str, str], ...]:
    if region == "us-east-1":
        return US_EAST_1_ZONES
    parts = region.split("-")  # eu-west-1 -> euw1, like AWS's own zone IDs
    short = parts[0] + "".join(p[0] for p in parts[1:-1]) + parts[-1]
    return tuple(
        (f"{region}{letter}", f"{short}-az{n}", "availability-zone", "opt-in-not-required")
        for n, letter in enumerate("abc", start=1)
    )


@invoke("aws:index/getAvailabilityZones:getAvailabilityZones")
def availability_zones(args: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    """Honours the filters the provider passes on (zone-type, opt-in-status), excludeZoneIds and
    excludeNames, and answers sorted by name, as the provider does."""
    by_filter = {f.get("name"): set(f.get("values", [])) for f in args.get("filters") or []}
    excluded_ids = set(args.get("excludeZoneIds") or [])
    excluded_names = set(args.get("excludeNames") or [])
    zones = [
        (name, zone_id)
        for name, zone_id, zone_type, opt_in in sorted(_zones_of(ctx.aws_region))
        if zone_type in by_filter.get("zone-type", {zone_type})
        and opt_in in by_filter.get("opt-in-status", {opt_in})
        and zone_id not in excluded_ids
        and name not in excluded_names
    ]
    return {
        "names": [name for name, _ in zones],
        "zoneIds": [zone_id for _, zone_id in zones],
        "id": ctx.aws_region,
        "groupNames": [ctx.aws_region],
    }


# A fresh account: no value applied to the quota, so Service Quotas answers with the AWS default, 0 for the
# G, VT and P vCPU quotas (and only a few vCPUs for Standard), as the stack's quota prerequisites assume.
@invoke("aws:servicequotas/getServiceQuota:getServiceQuota")
def service_quota(args, ctx):
    code = args.get("quotaCode", "")
    service = args.get("serviceCode", "")
    return {
        "id": f"{service}/{code}",
        "quotaCode": code,
        "serviceCode": service,
        "quotaName": code,
        "serviceName": service,
        "adjustable": True,
        "defaultValue": 0.0,
        "value": 0.0,
        "globalQuota": False,
        "arn": f"arn:{partition_of(ctx.aws_region)}:servicequotas:{ctx.aws_region}:{ctx.aws_account}:"
        f"{service}/{code}",
        "usageMetrics": [],
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


@invoke("aws:iam/getSessionContext:getSessionContext")
def session_context(args, ctx):
    """The IAM principal behind an STS ARN: an assumed role's session maps to its role, anything else to
    itself (terraform-provider-aws data_source_session_context)."""
    arn = str(args.get("arn", ""))
    parts = arn.split(":")
    if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
        _, role, session = parts[5].split("/", 2)
        issuer = f"arn:{parts[1]}:iam::{parts[4]}:role/{role}"
        return {"arn": arn, "issuerArn": issuer, "issuerName": role, "sessionName": session, "id": arn}
    return {"arn": arn, "issuerArn": arn, "issuerName": arn.rsplit("/", 1)[-1], "sessionName": "", "id": arn}
