"""Managed Kubernetes control planes: EKS, GKE and AKS cluster fees, and what the Kubernetes support level
adds (`cluster.support: extended`): EKS extended support and the AKS Premium tier replace the standard fee,
GKE's Extended channel adds one in the extended period. Which period a minor is in on the plan's date
comes from core/data/kubernetes_versions.yaml. The AKS rule also prices the inline system pool."""

from __future__ import annotations

from typing import Any

from lepton_infra.catalog import Cloud
from lepton_infra.core.conventions import POOL_LABEL
from lepton_infra.core.kubernetes_versions import PlanDateError, SupportStatus, plan_date, status
from lepton_infra.cost.prices import Price, PriceBook
from lepton_infra.cost.registry import cost_item, rule
from lepton_infra.cost.rules.node_pools import pool_item
from lepton_infra.profiles.gcp.resolved import free_tier_credit
from lepton_infra.spec.platform import spec_in_config


def lifecycle_status(cloud: Cloud, version: Any) -> SupportStatus | None:
    """Where the cluster's minor stands on the plan's date (None: unknown version or no valid date)."""
    if not isinstance(version, str) or version.count(".") < 1:
        return None
    try:
        on = plan_date()
    except PlanDateError:
        return None
    return status(cloud, ".".join(version.split(".")[:2]), on)


def _extended_later(support: SupportStatus | None, fee: str, book: PriceBook, opted_in: bool) -> str | None:
    """With the opt-in, while the minor is still in standard support: when the extended fee starts."""
    if not opted_in or support is None or support.row is None or support.phase != "standard":
        return None
    return (
        f"extended support opted into: ${book.fee(fee).usd_per_hour:.2f}/h ({fee}) from "
        f"{support.row.standard_ends}"
    )


@rule("aws:eks/cluster:Cluster")
def _eks_cluster(r, graph, book):
    # EKS's API defaults the upgrade policy to EXTENDED: a minor past standard support then bills extended
    # support, which replaces the standard fee (core/data/kubernetes_versions.yaml has the dates).
    extended = (r.get("upgradePolicy.supportType") or "EXTENDED") == "EXTENDED"
    support = lifecycle_status("aws", r.get("version"))
    if extended and support is not None and support.phase == "extended":
        fee, note = (
            "eks-control-plane-extended",
            f"EKS extended support until {support.support_ends('extended')}",
        )
    else:
        fee, note = (
            "eks-control-plane",
            _extended_later(support, "eks-control-plane-extended", book, extended),
        )
    yield cost_item(r, "control_plane", book.fee(fee), 1, 1, note=note)


@rule("gcp:container/cluster:Cluster")
def _gke_cluster(r, graph, book):
    # The EXTENDED channel adds a fee while the minor is in its extended support period.
    extended = r.get("releaseChannel.channel") == "EXTENDED"
    support = lifecycle_status("gcp", r.get("minMasterVersion"))
    in_extended = extended and support is not None and support.phase == "extended"
    note = None if in_extended else _extended_later(support, "gke-extended-support-period", book, extended)
    yield cost_item(r, "control_plane", book.fee("gke-control-plane"), 1, 1, note=note)
    spec = spec_in_config(graph.config)
    zonal = str(r.get("location") or "").count("-") == 2  # `us-central1-a`; a region has one hyphen
    if zonal and spec is not None and spec.gcp is not None and free_tier_credit(spec):
        # The credit pays the zonal cluster's fee, up to $74.40 a month (its fee is $73.00 at 730 hours).
        fee, credit = book.fee("gke-control-plane"), book.fee("gke-free-tier-credit")
        covered = Price(-min(fee.usd_per_hour, -credit.usd_per_hour), credit.source, credit.date)
        yield cost_item(
            r,
            "control_plane",
            covered,
            1,
            1,
            note="GKE free tier credit: one zonal cluster per billing account",
        )
    if in_extended and support is not None:
        ends = support.support_ends("extended")
        yield cost_item(
            r,
            "control_plane",
            book.fee("gke-extended-support-period"),
            1,
            1,
            note=f"GKE extended support period until {ends}",
        )


@rule("azure-native:containerservice:ManagedCluster")
def _aks_cluster(r, graph, book):
    tier = str(r.get("sku.tier") or "Free").lower()
    fee = f"aks-control-plane-{tier if tier in ('free', 'standard', 'premium') else 'standard'}"
    lts = r.get("supportPlan") == "AKSLongTermSupport"
    yield cost_item(
        r,
        "control_plane",
        book.fee(fee),
        1,
        1,
        note="Premium tier: long-term support, AKSLongTermSupport" if lts else None,
    )
    # Inline pools (the AKS system pool) bill like any other pool.
    for profile in r.get("agentPoolProfiles") or []:
        if isinstance(profile, dict) and profile.get("vmSize"):
            yield pool_item(
                r,
                "azure",
                book,
                str(profile["vmSize"]),
                profile.get("scaleSetPriority") == "Spot",
                float(profile.get("minCount") or profile.get("count") or 0),
                float(profile.get("maxCount") or profile.get("count") or 0),
                # The spec's pool it stands in for (`azure.system_pool_hosts_platform`), else AKS's own.
                {
                    POOL_LABEL: (profile.get("nodeLabels") or {}).get(POOL_LABEL)
                    or f"aks-{profile.get('name')}"
                },
            )


def _inline_pool_name(profile: dict[str, Any]) -> str:
    return str((profile.get("nodeLabels") or {}).get(POOL_LABEL) or f"aks-{profile.get('name', 'system')}")
