"""What the spec refuses about tenants and their services: a service's tenant, replicas and GPUs must
exist and fit, prod images are pinned by digest, tenant names take no reserved namespace, and the
tenants' GPU quotas fit the pools."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem, choose_from
from lepton_infra.core.spec_checks import rule

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


@rule("tenants", "services", "node_pools")
def _tenants_and_services(spec: PlatformSpec) -> Iterator[Problem]:
    tenants = {t.name: t for t in spec.tenants}
    pool_gpus: dict[str, int] = {}  # GPU type -> most GPUs on one node of that type
    for p in spec.gpu_pools:
        if p.gpu:
            pool_gpus[p.gpu.type] = max(pool_gpus.get(p.gpu.type, 0), p.gpu.count)
    for i, svc in enumerate(spec.services):
        path = f"services[{i}]"
        tenant = tenants.get(svc.tenant)
        if tenant is None:
            yield Problem(
                f"{path}.tenant",
                svc.tenant,
                "no such tenant",
                choose_from(svc.tenant, tenants) if tenants else "add a tenant of that name",
            )
        if svc.replicas.min > svc.replicas.max:
            yield Problem(
                f"{path}.replicas.min",
                svc.replicas.min,
                f"greater than max {svc.replicas.max}",
                "lower min or raise max",
            )
        if svc.gpu is None:
            continue
        if svc.gpu.type not in pool_gpus:
            offered = ", ".join(sorted(pool_gpus)) or "none"
            yield Problem(
                f"{path}.gpu.type",
                svc.gpu.type,
                "no node pool offers this GPU",
                f"add a pool with gpu.type {svc.gpu.type} or use one of: {offered}",
            )
        elif svc.gpu.count > pool_gpus[svc.gpu.type]:
            yield Problem(
                f"{path}.gpu.count",
                svc.gpu.count,
                f"no {svc.gpu.type} node has that many GPUs (largest: {pool_gpus[svc.gpu.type]})",
                "lower the count or add a larger pool",
            )
        if tenant is not None and svc.gpu.count > tenant.gpu_quota:
            yield Problem(
                f"{path}.gpu.count",
                svc.gpu.count,
                f"above tenant {tenant.name}'s gpu_quota {tenant.gpu_quota}",
                "lower the request or raise the tenant's gpu_quota",
            )


@rule("environment", "services")
def _prod_images_by_digest(spec: PlatformSpec) -> Iterator[Problem]:
    """In prod a service runs exactly the image that was reviewed: a tag can be moved to other content
    later (and a node that pulls again gets it), a digest cannot."""
    if spec.environment != "prod":
        return
    for i, svc in enumerate(spec.services):
        if svc.image is not None and "@sha256:" not in svc.image:
            name = svc.image.rsplit(":", 1)[0] if ":" in svc.image.rsplit("/", 1)[-1] else svc.image
            yield Problem(
                f"services[{i}].image",
                svc.image,
                "a tag-only image in prod: the tag can be moved to other content after review",
                f"pin the digest: {name}@sha256:<64 hex> (`docker "
                f"buildx imagetools inspect {svc.image}` prints it)",
            )


@rule("tenants")
def _reserved_namespaces(spec: PlatformSpec) -> Iterator[Problem]:
    """A tenant's name is its namespace: it must not take one the platform or Kubernetes owns."""
    from lepton_infra.core.conventions import RESERVED_NAMESPACES

    for i, tenant in enumerate(spec.tenants):
        if tenant.name in RESERVED_NAMESPACES or tenant.name.startswith("kube-"):
            yield Problem(
                f"tenants[{i}].name",
                tenant.name,
                "reserved namespace (Kubernetes or the platform uses it)",
                "pick another tenant name",
            )


@rule("tenants", "node_pools")
def _quota_capacity(spec: PlatformSpec) -> Iterator[Problem]:
    capacity = sum(p.max * p.gpu.count for p in spec.gpu_pools if p.gpu)
    total = sum(t.gpu_quota for t in spec.tenants)
    if total > capacity:
        yield Problem(
            "tenants[*].gpu_quota",
            total,
            f"tenant GPU quotas sum above the pools' max GPU capacity {capacity}",
            "lower quotas or raise GPU pools' max",
        )


TENANT_RULES = (
    _tenants_and_services,
    _prod_images_by_digest,
    _reserved_namespaces,
    _quota_capacity,
)
