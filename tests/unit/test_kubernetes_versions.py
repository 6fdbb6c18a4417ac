"""The Kubernetes version lifecycle table (core/data/kubernetes_versions.yaml) and the spec's use of it:
the default minor, refusals at the plan's date with the end date and the fix, the extended-support
opt-in, and the warning before the end. Dates are written out here, read from the sources the table
names; the suite's plan date is 2026-12-07 (tests/conftest.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from lepton_infra.core.errors import SpecError
from lepton_infra.core.kubernetes_versions import (
    DATA,
    PLAN_DATE_ENV,
    default_minor,
    lifecycle,
    standard_minors,
    status,
)
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.cluster import ClusterSpec
from tests.kubernetes.harness import shipped_spec

REGION = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}
KNOBS: dict[str, dict[str, Any]] = {
    "aws": {},
    "gcp": {"gcp": {"project": "acme-ai-dev"}},
    "azure": {"azure": {"subscription_id": "00000000-0000-0000-0000-000000000000"}},
}


def spec(cloud: str, **cluster: Any) -> dict[str, Any]:
    """A small platform with no GPU pool and no scale-to-zero service (so no KEDA or GPU operator)."""
    return {
        "name": "acme-ai",
        "environment": "dev",
        "cloud": cloud,
        "region": REGION[cloud],
        "cluster": {"authorized_networks": ["203.0.113.0/24"], **cluster},
        "node_pools": [{"name": "system", "cpu": "standard-4", "min": 1, "max": 2}],
        "tags": {"team": "ml", "cost-center": "1"},
        **KNOBS[cloud],
    }


def lifecycle_problems(raw: dict[str, Any]) -> list[str]:
    """The problems the version lifecycle and GKE's channels raise (the chart support table may add its
    own refusal of the same minor: not what these tests are about)."""
    try:
        PlatformSpec.from_dict(raw)
    except SpecError as err:
        return [p.render() for p in err.problems if "pinned charts" not in p.why]
    return []


# --- the table ------------------------------------------------------------------------------------------


def test_every_row_names_its_source_and_the_date_it_was_read() -> None:
    raw = yaml.safe_load(DATA.read_text())
    rows = [
        (cloud, minor, row) for cloud, body in raw["clouds"].items() for minor, row in body["minors"].items()
    ]
    assert {cloud for cloud, _, _ in rows} == {"aws", "gcp", "azure"}
    for cloud, minor, row in rows:
        where = f"{cloud} {minor}"
        assert str(row.get("source", "")).strip(), f"{where}: no source"
        assert isinstance(row.get("read"), date), f"{where}: no date read"
        assert row["read"] <= raw["read"], f"{where}: read after the table's own date"
        assert str(row.get("as_of", "")).strip(), f"{where}: how old its source is is not said"
        assert isinstance(row.get("standard_ends"), date), f"{where}: no end of standard support"
        assert row["channels"], f"{where}: no channel offers it"
        extended = row.get("extended_ends")
        assert extended is None or extended > row["standard_ends"], f"{where}: extended ends first"
    for body in raw["clouds"].values():
        assert str(body.get("rule", "")).strip(), "each cloud states the lifecycle rule derived dates follow"


def test_the_rows_hold_the_providers_dates() -> None:
    """Spot checks against the sources named in the rows (EKS calendar, AKS calendar, GKE's Regular
    availability + 14/24 months)."""
    eks, gke, aks = (lifecycle().clouds[c].minors for c in ("aws", "gcp", "azure"))
    assert (eks["1.33"].standard_ends, eks["1.33"].extended_ends) == (date(2026, 7, 29), date(2027, 7, 29))
    assert (eks["1.34"].standard_ends, eks["1.35"].standard_ends) == (date(2026, 12, 2), date(2027, 3, 27))
    assert (eks["1.36"].released, eks["1.36"].standard_ends) == (date(2026, 6, 2), date(2027, 8, 2))
    assert (gke["1.35"].released, gke["1.35"].standard_ends) == (date(2026, 2, 11), date(2027, 4, 11))
    assert gke["1.37"].channels == ("RAPID",)
    # AKS's calendar: "Jun 2027" / "Jun 2028", the last day of June; held as the first day out.
    assert (aks["1.36"].standard_ends, aks["1.36"].extended_ends) == (date(2027, 7, 1), date(2028, 7, 1))


def test_the_default_is_the_newest_minor_every_cloud_creates_in_standard_support() -> None:
    read = lifecycle().read
    assert read == date(2026, 12, 7)
    assert standard_minors("aws", read) == ["1.35", "1.36"]
    assert standard_minors("gcp", read) == ["1.34", "1.35", "1.36"]  # REGULAR: 1.37 is in RAPID only
    assert standard_minors("azure", read) == ["1.35", "1.36", "1.37"]
    # All three create 1.36 in standard support, but the default is bounded by the pinned charts too:
    # KEDA 2.20.2 is tested on 1.33-1.35 (core/data/chart_support.yaml).
    assert default_minor() == "1.35"
    assert ClusterSpec().version == "1.35"
    assert ClusterSpec().support == "standard"
    assert "Default 1.35" in ClusterSpec.model_fields["version"].description  # documented on the field


# --- refusals at the plan's date -------------------------------------------------------------------------


# An existing cluster moves one minor at a time (every cloud refuses a skip), so its advice is the next
# minor: on GKE 1.34 is still in standard support (REGULAR), on EKS and AKS it is past it too.
ONE_AT_A_TIME = (
    "upgrade one minor at a time (1.33 -> 1.34 -> ...) toward 1.35, keeping `cluster.support: extended`"
)
NEXT_MINOR = {
    "aws": ONE_AT_A_TIME,
    "gcp": "upgrade to 1.34, the next minor (clusters move one minor at a time; standard support until",
    "azure": ONE_AT_A_TIME,
}


@pytest.mark.parametrize(
    "cloud, ended",
    [("aws", "2026-07-29"), ("gcp", "2026-08-03"), ("azure", "2026-08-01")],
)
def test_a_minor_past_standard_support_is_refused_with_the_date_and_the_fix(cloud: str, ended: str) -> None:
    (problem,) = lifecycle_problems(spec(cloud, version="1.33"))
    assert problem.startswith("cluster.version: '1.33' — standard support for Kubernetes 1.33 on ")
    assert f"ended {ended} (plan date 2026-12-07)" in problem
    assert "a new cluster: use 1.35 (standard support until" in problem  # the default ...
    assert f"an existing one: {NEXT_MINOR[cloud]}" in problem  # ... the next minor for a running one ...
    assert "keep 1.33 with `cluster.support: extended`" in problem  # ... or pay for extended support
    assert "per cluster-hour" in problem


def test_the_next_minor_is_named_only_when_the_pinned_charts_support_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On 2027-03-28 1.35 is past standard support on EKS and 1.36 in it, but KEDA 2.20 stops at 1.35: the
    advice says so instead of naming a minor the next plan would refuse."""
    monkeypatch.setenv(PLAN_DATE_ENV, "2027-03-28")
    raw = shipped_spec("aws-dev")
    (problem,) = lifecycle_problems(raw)
    assert (
        "an existing one: the next minor, 1.36, is not supported by the pinned charts yet (keda 2.20.2"
        in problem
    )
    assert "keep 1.35 with `cluster.support: extended`" in problem


@pytest.mark.parametrize(
    "cloud, version, support, why",
    [
        ("aws", "1.31", "standard", "EKS stopped creating 1.31 clusters on 2026-11-26"),
        ("aws", "1.31", "extended", "EKS stopped creating 1.31 clusters on 2026-11-26"),
        ("azure", "1.31", "extended", "AKS stopped creating 1.31 clusters on 2026-12-01"),
        ("aws", "1.37", "standard", "EKS is not known to create 1.37"),
        ("gcp", "1.37", "standard", "GKE's REGULAR channel does not offer 1.37 (offered in: RAPID"),
        ("gcp", "1.37", "extended", "GKE offers no extended support for 1.37"),
    ],
)
def test_a_minor_the_cloud_does_not_create_is_refused(
    cloud: str, version: str, support: str, why: str
) -> None:
    (problem,) = lifecycle_problems(spec(cloud, version=version, support=support))
    assert why in problem
    fix = problem.split(why, 1)[1]
    assert "use " in fix and "1.36" in fix


def test_an_old_pin_turns_into_a_refusal_when_its_date_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = spec("azure", version="1.36")
    monkeypatch.setenv(PLAN_DATE_ENV, "2027-06-30")  # "Jun 2027": AKS supports 1.36 through June 30
    assert lifecycle_problems(raw) == []
    monkeypatch.setenv(PLAN_DATE_ENV, "2027-07-01")
    (problem,) = lifecycle_problems(raw)
    assert "standard support for Kubernetes 1.36 on AKS ended 2027-07-01 (plan date 2027-07-01)" in problem


def test_a_bad_plan_date_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PLAN_DATE_ENV, "2026-13-01")
    (problem,) = lifecycle_problems(spec("aws"))
    assert problem.startswith("LEPTON_PLAN_DATE: '2026-13-01' — not a date; write it as YYYY-MM-DD")


# --- the extended-support opt-in ------------------------------------------------------------------------


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_extended_support_accepts_a_minor_past_standard_support(cloud: str) -> None:
    assert lifecycle_problems(spec(cloud, version="1.33", support="extended")) == []


def test_gkes_extended_channel_goes_with_the_extended_opt_in_only() -> None:
    extended_channel = {**spec("gcp"), "gcp": {"project": "acme-ai-dev", "release_channel": "EXTENDED"}}
    (problem,) = lifecycle_problems(extended_channel)
    assert problem.startswith("gcp.release_channel: 'EXTENDED' — EXTENDED is GKE's paid extended support")
    rapid = {**spec("gcp", support="extended"), "gcp": {"project": "acme-ai-dev", "release_channel": "RAPID"}}
    (problem,) = lifecycle_problems(rapid)
    assert problem.startswith("gcp.release_channel: 'RAPID' — cluster.support: extended is GKE's EXTENDED")
    assert (
        lifecycle_problems(
            {**extended_channel, "cluster": {**extended_channel["cluster"], "support": "extended"}}
        )
        == []
    )


# --- the warning before the end -------------------------------------------------------------------------


def test_the_plan_warns_60_days_before_standard_support_ends() -> None:
    ends = date(2027, 8, 2)  # EKS 1.36
    assert status("aws", "1.36", date(2027, 6, 2)).warning("standard") is None  # 61 days: no ...
    warning = status("aws", "1.36", date(2027, 6, 3)).warning("standard")  # ... 60 days: yes
    assert warning is not None and f"ends {ends} (60 days after the plan date 2027-06-03)" in warning
