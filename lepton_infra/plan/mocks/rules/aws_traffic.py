"""Plausible AWS outputs for the ways in: ACM certificates and their DNS validation, Route 53 zones and
records."""

from __future__ import annotations

from lepton_infra.plan.mocks.registry import outputs_for, short_hash
from lepton_infra.plan.mocks.rules.aws import aws_arn, partition_of, with_generic


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
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": aws_arn(ctx, "acm", f"certificate/{cert_id}"),
            "arn": aws_arn(ctx, "acm", f"certificate/{cert_id}"),
            "domainValidationOptions": validation,
            "status": "PENDING_VALIDATION" if validation else "ISSUED",
        },
    )


@outputs_for("aws:route53/record:Record")
def route53_record(name, inputs, ctx, meta):
    return with_generic(name, inputs, ctx, meta, {"fqdn": str(inputs.get("name") or name).rstrip(".")})


@outputs_for("aws:acm/certificateValidation:CertificateValidation")
def acm_validation(name, inputs, ctx, meta):
    return with_generic(name, inputs, ctx, meta, {"certificateArn": inputs.get("certificateArn")})


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
    return with_generic(
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
