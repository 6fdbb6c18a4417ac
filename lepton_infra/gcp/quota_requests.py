"""The quota the pools need at max, asked for as Cloud Quotas preferences (`gcp.request_quota_increases`):
one `SQuotaPreference` per quota whose id was read in Google's listings (`QuotaNeed.requestable`). Google
reviews each and may grant less."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.naming import child_name
from lepton_infra.core.quota import QuotaNeed
from lepton_infra.gcp.quotas import GLOBAL
from lepton_infra.spec import PlatformSpec


def request_quota_increases(
    name: str,
    spec: PlatformSpec,
    needs: Sequence[QuotaNeed],
    project: pulumi.Input[str],
    opts: Callable[[], pulumi.ResourceOptions],
) -> list[gcp.cloudquota.SQuotaPreference]:
    """A regional quota names its region as a dimension; a project-wide one (`GPUS-ALL-REGIONS`) none."""
    preferences = []
    for q in (q for q in needs if q.requestable):
        suffix = "-".join([q.code.split("-per-")[0].lower(), *(v.lower() for v in q.dimensions.values())])
        region = {} if q.region == GLOBAL else {"region": q.region}
        preferences.append(
            gcp.cloudquota.SQuotaPreference(
                child_name(name, f"quota-{suffix}"),
                parent=pulumi.Output.concat("projects/", project),
                service="compute.googleapis.com",
                quota_id=q.code,
                dimensions={**region, **q.dimensions},
                quota_config=gcp.cloudquota.SQuotaPreferenceQuotaConfigArgs(preferred_value=str(q.amount)),
                justification=f"lepton-infra {spec.stack_label}: node pools {', '.join(q.pools)} at max",
                contact_email=spec.monitoring.alert_emails[0] if spec.monitoring.alert_emails else None,
                opts=opts(),
            )
        )
    return preferences
