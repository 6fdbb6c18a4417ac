"""The chart support table: one row per pinned chart at its pinned version, pins that pair with each other,
and a spec refused at spec time when its `cluster.version` is outside what the installed charts support."""

from __future__ import annotations

import json
import subprocess
import sys
import typing

import pytest

from lepton_infra.core.chart_support import chart_support, pairing_problems
from lepton_infra.core.errors import SpecError
from lepton_infra.core.kubernetes_versions import PLAN_DATE_ENV
from lepton_infra.kubernetes import charts
from lepton_infra.kubernetes.charts import HelmChart
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.cluster import DEFAULT_VERSION
from lepton_infra.spec.rules import charts_installed
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.kubernetes.harness import raw_spec, shipped_spec
from tests.kubernetes.manifests import chart_name

PINNED = {c.chart: c.version for c in vars(charts).values() if isinstance(c, HelmChart)}
if "cluster-autoscaler" not in PINNED:  # still pinned in the AWS layer on main (moving to charts.py)
    from lepton_infra.aws.autoscaler import CHART_VERSION

    PINNED["cluster-autoscaler"] = CHART_VERSION


def test_every_pinned_chart_has_a_support_row_for_its_pinned_version() -> None:
    assert {name: row.version for name, row in chart_support().items()} == PINNED


def test_every_row_names_its_source() -> None:
    for row in chart_support().values():
        assert row.source and (row.kubernetes_max is None or row.supports_kubernetes(row.kubernetes_max))


def test_pinned_charts_pair_with_each_other() -> None:
    """keda-add-ons-http 0.12.0 is released for KEDA 2.18 (KEDA 2.17.2 was pinned with it before)."""
    assert pairing_problems() == []


def _spec(version: str, **changes: typing.Any) -> dict[str, typing.Any]:
    raw = raw_spec("aws-dev")
    raw["cluster"] = {**raw.get("cluster", {}), "version": version}
    raw.update(changes)
    return raw


def test_the_shipped_version_is_supported_by_every_chart_the_stack_installs() -> None:
    """With jobs and an exposed service, every pinned chart is in play: on EKS all but cert-manager (an ALB
    serves ACM certificates only), which AKS and GKE install for the same spec."""
    raw = _spec(DEFAULT_VERSION, jobs={"enabled": True})
    raw["network"] = {
        **raw.get("network", {}),
        "domain": "ai.acme.dev",
        "tls_issuer": "acme",
        "acme_email": "oncall@acme.dev",
    }
    raw["aws"] = {**raw.get("aws", {}), "dns_zone_id": "Z0123456789ABCDEFGHIJ"}
    assert set(charts_installed(PlatformSpec.from_dict(raw))) == set(PINNED) - {"cert-manager"}
    azure = shipped_spec("azure-prod")
    assert azure["network"].get("domain")
    assert "cert-manager" in charts_installed(PlatformSpec.from_dict(azure))


@pytest.mark.parametrize(
    ("version", "culprits"),
    [
        ("1.32", ["keda-add-ons-http 0.12.0 supports Kubernetes 1.33–1.35"]),
        ("1.34", ["keda 2.18.3 supports Kubernetes 1.31–1.33"]),
        ("1.31", ["gpu-operator v26.3.0 supports Kubernetes 1.32–1.35", "keda-add-ons-http 0.12.0"]),
    ],
)
def test_an_unsupported_cluster_version_is_refused_with_the_supported_range(
    version: str, culprits: list[str]
) -> None:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(_spec(version))
    problem = next(p for p in err.value.problems if p.path == "cluster.version")
    assert problem.value == version
    for culprit in culprits:
        assert culprit in problem.why
    assert "supported range (1.33–1.33)" in problem.fix


def test_the_range_follows_the_charts_actually_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without scale-to-zero services neither KEDA nor its add-on is installed: 1.32 is fine then (judged on
    a date EKS still had 1.32 in standard support)."""
    monkeypatch.setenv(PLAN_DATE_ENV, "2026-03-01")
    raw = _spec("1.32")
    raw["services"] = [{**s, "replicas": {"min": 1, "max": 2}} for s in raw["services"]]
    assert "keda" not in charts_installed(PlatformSpec.from_dict(raw))


def test_the_spec_reads_the_table_without_the_kubernetes_sdk() -> None:
    probe = (
        "import sys, yaml\nfrom lepton_infra.spec import PlatformSpec\n"
        "doc = yaml.safe_load(open('stacks/platform/Pulumi.aws-dev.yaml'))\n"
        "PlatformSpec.from_dict(doc['config']['lepton:platform'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pulumi_kubernetes', "
        "'lepton_infra.kubernetes'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_the_spec_checks_every_chart_the_stack_installs(stack: str, plan_stack) -> None:
    """The spec-time check sees every chart the plan installs (it may see more: it is conservative)."""
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    installed = {chart_name(r) for r in graph.of_type("kubernetes:helm.sh/v3:Release")}
    spec = PlatformSpec.from_dict(json.loads(graph.config["lepton:platform"]))
    assert installed <= set(charts_installed(spec))
    for release in graph.of_type("kubernetes:helm.sh/v3:Release"):
        assert chart_support()[chart_name(release)].version == release.get("version")
