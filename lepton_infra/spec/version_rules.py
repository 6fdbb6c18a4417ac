"""`cluster.version` against the cloud's version lifecycle at the plan's date (core/kubernetes_versions.py):
a minor the cloud no longer creates, or one past standard support without `cluster.support: extended`,
is refused here, naming the date and the fix, instead of failing (or silently billing extended support)
at apply time. GKE's channels are checked by its profile (profiles/gcp/rules.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from lepton_infra.core.chart_support import minor_tuple
from lepton_infra.core.errors import Problem
from lepton_infra.core.kubernetes_versions import (
    PLAN_DATE_ENV,
    PlanDateError,
    SupportStatus,
    default_minor,
    lifecycle,
    plan_date,
    standard_minors,
    status,
)
from lepton_infra.core.spec_checks import rule

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

# What `cluster.support: extended` turns on, per cloud: in words, its fee (cost/fees.yaml), and whether it
# replaces the standard control-plane fee or adds to it.
EXTENDED_OFFER = {
    "aws": ("EKS extended support", "eks-control-plane-extended", "instead of", "eks-control-plane"),
    "gcp": ("GKE's EXTENDED channel", "gke-extended-support-period", "on top of", "gke-control-plane"),
    "azure": (
        "the AKS Premium tier with long-term support",
        "aks-control-plane-premium",
        "instead of",
        "aks-control-plane-standard",
    ),
}


def _extended_offer(cloud: str) -> str:
    from lepton_infra.cost.prices import fees

    what, fee, how, standard = EXTENDED_OFFER[cloud]
    price, standard_price = fees()[fee]["usd_per_hour"], fees()[standard]["usd_per_hour"]
    return f"{what}, ${price:.2f} per cluster-hour {how} ${standard_price:.2f}"


def _charts_refusing(spec: PlatformSpec, minor: str) -> list[str]:
    """Why the charts this platform installs would refuse `minor` (empty: they all support it)."""
    from lepton_infra.core.chart_support import kubernetes_unsupported
    from lepton_infra.spec.chart_rules import charts_installed

    return kubernetes_unsupported(charts_installed(spec), minor)


def _new_cluster_minor(spec: PlatformSpec, on: date) -> str:
    """The minor to create a cluster at instead: the default when the cloud has it in standard support,
    else the newest minor there that the pinned charts support."""
    cloud = spec.cloud
    minors = [m for m in standard_minors(cloud, on) if not _charts_refusing(spec, m)]
    if not minors:
        return (
            f"no minor is in standard support on {on} and supported by the pinned charts, per the "
            f"lifecycle table (read {lifecycle().read}): update lepton-infra, or check the plan date"
        )
    target = default_minor() if default_minor() in minors else minors[-1]
    row = status(cloud, target, on).row
    assert row is not None  # a minor in standard support has a row
    return (
        f"use {target} (standard support until {row.standard_ends}; in standard support on {on}: "
        f"{', '.join(minors)})"
    )


def _next_minor(minor: str) -> str:
    major, number = minor_tuple(minor)
    return f"{major}.{number + 1}"


def _upgrade_path(spec: PlatformSpec, st: SupportStatus) -> str:
    """How an existing cluster on `st.minor` moves on: one minor at a time (every cloud refuses a skip),
    so the advice is the next minor, said only when the cloud and the pinned charts both take it."""
    nxt = _next_minor(st.minor)
    ahead = status(st.cloud, nxt, st.on)
    if ahead.phase != "standard":
        return (
            f"upgrade one minor at a time ({st.minor} -> {nxt} -> ...) toward {default_minor()}, keeping "
            "`cluster.support: extended` while a step is past standard support"
        )
    refusing = _charts_refusing(spec, nxt)
    if refusing:
        return (
            f"the next minor, {nxt}, is not supported by the pinned charts yet ({'; '.join(refusing)}): "
            "update lepton-infra when it pins charts that support it"
        )
    assert ahead.row is not None
    return (
        f"upgrade to {nxt}, the next minor (clusters move one minor at a time; standard support until "
        f"{ahead.row.standard_ends})"
    )


def _problems(spec: PlatformSpec, st: SupportStatus, support: str) -> Iterator[Problem]:
    row, on, where = st.row, st.on, f"Kubernetes {st.minor} on {st.service}"
    phase = st.phase
    if row is None:
        known = ", ".join(lifecycle().clouds[st.cloud].minors)
        yield Problem(
            "cluster.version",
            st.minor,
            f"{st.service} is not known to create {st.minor}: it is not in the version lifecycle table "
            f"(lepton_infra/core/data/kubernetes_versions.yaml, read {lifecycle().read}; known: {known})",
            _new_cluster_minor(spec, on),
        )
    elif phase == "unreleased":
        yield Problem(
            "cluster.version",
            st.minor,
            f"{where} is not available before {row.released} (plan date {on})",
            _new_cluster_minor(spec, on),
        )
    elif phase == "ended":
        last = row.extended_ends or row.standard_ends
        yield Problem(
            "cluster.version",
            st.minor,
            f"{st.service} stopped creating {st.minor} clusters on {last} (end of all support; plan "
            f"date {on})",
            _new_cluster_minor(spec, on),
        )
    elif support == "extended" and not st.offers_extended:
        yield Problem(
            "cluster.support",
            support,
            f"{st.service} offers no extended support for {st.minor} (offered in: {', '.join(row.channels)})",
            _new_cluster_minor(spec, on) + ", and set cluster.support: standard",
        )
    elif phase == "extended" and support == "standard":
        yield Problem(
            "cluster.version",
            st.minor,
            f"standard support for {where} ended {row.standard_ends} (plan date {on}): {st.service} "
            "creates it only with paid extended support",
            f"a new cluster: {_new_cluster_minor(spec, on)}; an existing one: {_upgrade_path(spec, st)}; "
            f"or keep {st.minor} with `cluster.support: extended` "
            f"({_extended_offer(st.cloud)}, until {row.extended_ends})",
        )


@rule("cloud", "cluster")
def kubernetes_lifecycle(spec: PlatformSpec) -> Iterator[Problem]:
    try:
        on = plan_date()
    except PlanDateError as exc:
        yield Problem(
            PLAN_DATE_ENV,
            os.environ.get(PLAN_DATE_ENV, str(exc)),
            "not a date",
            "write it as YYYY-MM-DD (e.g. 2026-12-07), or unset it: the plan then uses today's date (UTC)",
        )
        return
    yield from _problems(spec, status(spec.cloud, spec.cluster.version, on), spec.cluster.support)
