"""Plausible answers to the AWS invokes (data sources) the platform calls."""

from __future__ import annotations

import json
from typing import Any

from lepton_infra.plan.mocks.registry import MockContext, invoke, short_hash
from lepton_infra.plan.mocks.rules.aws import partition_of


@invoke("aws:index/getAvailabilityZones:getAvailabilityZones")
def availability_zones(args: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    letters = "abcdef"
    return {
        "names": [f"{ctx.aws_region}{c}" for c in letters],
        "zoneIds": [f"use1-az{i + 1}" for i in range(len(letters))],
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
