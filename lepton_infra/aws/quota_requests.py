"""Service Quotas increase requests for the EC2 vCPU quotas the pools need at max
(`aws.request_quota_increases`).

How the bridged provider's `aws.servicequotas.ServiceQuota` behaves (terraform-provider-aws
internal/service/servicequotas/service_quota.go, with PR #43545, merged 2025-08-08, in pulumi-aws 7):
- create reads the applied value (the default when none was ever applied), fails when `value` is lower
  ("with value less than current"), files a RequestServiceQuotaIncrease when higher, and files nothing when
  equal; RequestServiceQuotaIncrease fails while another request for the quota is open
  (ResourceAlreadyExistsException, "Only one open service quota increase request is allowed per quota");
- read keeps the requested value in state while the request is pending or case-opened, the applied value
  otherwise;
- update files a new request for whatever `value` says, even below the applied value (refused by the API),
  and turns the open-request error into a warning.

So the value asked for is max(need, applied now) and any change of it replaces the resource instead of
updating it: a replacement is a create, which asks only when the applied quota is lower, never fights a
granted higher value (that value is simply taken), and never re-files while our own request is open (state
then holds the requested value, which equals the need). Delete is a no-op: destroying the stack lowers
nothing. What no program can see is another requester's open request (no data source lists requested
changes): the create then fails with ResourceAlreadyExistsException; docs/aws.md says what to do.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from lepton_infra.core.naming import child_name
from lepton_infra.core.quota import QuotaNeed

SERVICE_CODE = "ec2"


def requested_value(need: float, applied: float | None) -> float:
    """What to ask Service Quotas for: the need, or the applied value when that is already as high (a create
    with a lower value fails, an equal one files nothing)."""
    return max(float(need), float(applied or 0.0))


def request_quotas(
    name: str, quotas: Sequence[QuotaNeed], parent: pulumi.Resource, provider: pulumi.ProviderResource
) -> list[aws.servicequotas.ServiceQuota]:
    """One ServiceQuota per requestable quota, filed by the platform's provider (Service Quotas is
    regional)."""
    requests = []
    for q in (q for q in quotas if q.requestable):
        applied = aws.servicequotas.get_service_quota_output(
            service_code=SERVICE_CODE,
            quota_code=q.code,
            opts=pulumi.InvokeOutputOptions(parent=parent, provider=provider),
        ).value
        requests.append(
            aws.servicequotas.ServiceQuota(
                child_name(name, f"quota-{q.code.lower()}"),
                service_code=SERVICE_CODE,
                quota_code=q.code,
                value=applied.apply(lambda now, need=q.amount: requested_value(need, now)),
                opts=pulumi.ResourceOptions(parent=parent, provider=provider, replace_on_changes=["value"]),
            )
        )
    return requests
