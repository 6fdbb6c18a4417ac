"""Tenants: isolated namespaces with quotas, including GPUs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lepton_infra.core.spec_model import SpecModel
from lepton_infra.spec.base import Name, Quantity
from lepton_infra.spec.jobs import TenantJobsSpec

PodSecurityLevel = Literal["restricted", "baseline"]


class TenantSpec(SpecModel):
    name: Name = Field(description="Tenant name; also its namespace. Unique in the platform.")
    gpu_quota: int = Field(
        default=0, ge=0, le=10000, description="Max GPUs the tenant's pods may request. Default 0."
    )
    cpu_quota: Quantity = Field(default="64", description="Max CPU requests. Default 64.")
    memory_quota: Quantity = Field(default="256Gi", description="Max memory requests. Default 256Gi.")
    pods: int = Field(default=100, ge=1, le=10000, description="Max pods. Default 100.")
    admins: list[str] = Field(
        default_factory=list,
        description="Identity-provider groups bound to the tenant's admin Role (non-empty names, no "
        "surrounding whitespace). Default none. On AWS each group must be mapped to IAM roles in "
        "`aws.tenant_admin_roles` (EKS gives a group only to the roles whose access entry carries it). On "
        "GCP each is a Google Group's e-mail address and needs `gcp.rbac_security_group`. On Azure each is "
        "an Entra ID group object id, which is what AKS tokens carry.",
    )
    pod_security: PodSecurityLevel = Field(
        default="restricted",
        description="Pod Security Admission level enforced on the namespace. Default restricted; "
        "`privileged` is deliberately not offered.",
    )
    jobs: TenantJobsSpec | None = Field(
        default=None,
        description="Queue quota for batch and training jobs (needs `jobs.enabled`). Default: with "
        "`jobs.enabled`, a queue with no guaranteed GPUs and the tenant's CPU and memory quota; it borrows "
        "idle GPUs only as far as `gpu_quota` leaves room beside the tenant's services at `replicas.max` "
        "and their rollout surge (a per-flavor borrowingLimit; none: it never borrows), so admitted jobs' "
        "pods are never refused by the namespace quota.",
    )
