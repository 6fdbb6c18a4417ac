"""The chart support table: one row per pinned chart at its pinned version, pins that pair with each other,
and a spec refused at spec time when its `cluster.version` is outside what the installed charts support."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from lepton_infra.core.chart_support import chart_support, pairing_problems
from lepton_infra.core.errors import SpecError
from lepton_infra.kubernetes.charts import pinned as charts
from lepton_infra.kubernetes.charts.pinned import HelmChart
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.chart_rules import charts_installed
from lepton_infra.spec.cluster import DEFAULT_VERSION
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.kubernetes.harness import raw_spec, shipped_spec
from tests.kubernetes.manifests import chart_name

PINNED = {c.chart: c for c in vars(charts).values() if isinstance(c, HelmChart)}
CHARTS_PY = Path(charts.__file__)
# The three newest minors the clouds create in standard support (issue 20, 2026-12-07).
TARGET_MINORS = ("1.35", "1.36", "1.37")
# Which target minors a pinned chart's newest readable release does not claim (the stored snapshots end
# 2026-08-22; each row's `source` says what was read). Written out so that a bump or a re-read that
# changes a chart's reach changes this list on purpose.
NOT_CLAIMED = {
    "gpu-operator": {"1.37"},  # 26.7.0: EKS/GKE 1.33-1.36
    "keda": {"1.36", "1.37"},  # 2.20: tested 1.33-1.35; 2.21 (1.34-1.36 per issue 20) not readable
    "keda-add-ons-http": {"1.37"},  # 0.15.0: e2e on 1.34-1.36
    "cluster-autoscaler": {"1.37"},  # images end at 1.36.1 (no 1.37 release yet)
    "cert-manager": {"1.37"},  # 1.21: 1.33-1.36; 1.22 TBD
    "jobset": {"1.37"},  # 0.12.0: the last 3 minors at its release (1.34-1.36)
}


def test_every_chart_is_pinned_from_its_row_and_nowhere_else() -> None:
    """One place holds the pins: charts/pinned.py builds each HelmChart from its support row and writes no
    version, repository or release of its own (issue 20: a bump is one edit, in the data file)."""
    table = chart_support()
    assert set(PINNED) == set(table)
    for name, chart in PINNED.items():
        row = table[name]
        assert (chart.repo, chart.version, chart.release) == (row.repo, row.version, row.release)
    tree = ast.parse(CHARTS_PY.read_text())
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    # No version and no chart repository: only the ProvisioningRequest CRD's address, at the pinned image.
    assert [v for v in literals if re.fullmatch(r"v?\d+\.\d+\.\d+|https?://.+|oci://.+", v)] == [
        charts.PROVISIONING_REQUEST_CRD_URL
    ]
    calls = [
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "HelmChart"
    ]
    assert len(calls) == 1  # the one in `pinned`, from the row
    assert dict(charts.CLUSTER_AUTOSCALER_IMAGE_TAGS) == dict(table["cluster-autoscaler"].image_tags)


def test_every_row_names_its_source_and_when_it_was_read() -> None:
    for row in chart_support().values():
        assert row.source and row.read == "2026-12-07" and row.repo and row.release, row.chart
        assert row.kubernetes_max is None or row.supports_kubernetes(row.kubernetes_max)


def test_every_pinned_chart_supports_the_target_minors_its_row_claims() -> None:
    unclaimed = {
        name: {m for m in TARGET_MINORS if not row.supports_kubernetes(m)}
        for name, row in chart_support().items()
    }
    assert {name: gaps for name, gaps in unclaimed.items() if gaps} == NOT_CLAIMED


def test_pinned_charts_pair_with_each_other() -> None:
    """keda-add-ons-http 0.15.0 is tested with KEDA 2.20 (its Makefile's KEDA_VERSION 2.20.0)."""
    assert chart_support()["keda-add-ons-http"].requires == {"keda": "2.20"}
    assert pairing_problems() == []


def test_every_minor_the_spec_accepts_on_aws_has_an_autoscaler_image() -> None:
    """The autoscaler's image must match the cluster's minor: any minor the spec lets through for an AWS
    platform has one pinned, and every minor in the autoscaler's row has one."""
    from lepton_infra.aws.autoscaler import image_tag

    row = chart_support()["cluster-autoscaler"]
    in_row = [f"1.{m}" for m in range(20, 50) if row.supports_kubernetes(f"1.{m}")]
    assert in_row and all(image_tag(m).startswith(f"v{m}.") for m in in_row)
    accepted = []
    for minor in (f"1.{m}" for m in range(20, 50)):
        raw = _spec(minor)
        raw["services"] = [{**s, "replicas": {"min": 1, "max": 2}} for s in raw["services"]]
        try:
            PlatformSpec.from_dict(raw)
        except SpecError as err:
            assert any(p.path == "cluster.version" for p in err.problems), err
            continue
        accepted.append(minor)
    # In standard support on EKS on the suite's plan date (2026-12-07) and supported by every chart: a service
    # kept running scales through KEDA too (issue 26 J2), whose pinned 2.20.2 stops at 1.35.
    assert accepted == ["1.35"]
    for minor in accepted:
        assert image_tag(minor).startswith(f"v{minor}.")


def _spec(version: str, **changes: typing.Any) -> dict[str, typing.Any]:
    raw = raw_spec("aws-dev")
    raw["cluster"] = {**raw.get("cluster", {}), "version": version}
    raw.update(changes)
    return raw


def test_the_shipped_version_is_supported_by_every_chart_the_stack_installs() -> None:
    """With jobs and an exposed service, every pinned chart is in play: on EKS all but cert-manager (an ALB
    serves ACM certificates only), which AKS and GKE install for the same spec."""
    raw = _spec(DEFAULT_VERSION, jobs={"enabled": True})
    # Every GPU pool needs queue quota in some tenant's queue (spec/jobs_rules.py).
    raw["tenants"][0]["jobs"] = {"gpu_quota": {p["name"]: 1 for p in raw["node_pools"] if p.get("gpu")}}
    # ... within its namespace GPU quota together with its services at max and their rollouts' surge pod
    # (spec/jobs_rules.py).
    for svc in raw["services"]:
        svc["replicas"] = {**svc["replicas"], "max": svc["replicas"]["max"] - 2}
    raw["network"] = {
        **raw.get("network", {}),
        "domain": "ai.acme.dev",
        "tls_issuer": "acme",
        "acme_email": "oncall@acme.dev",
    }
    raw["aws"] = {**raw.get("aws", {}), "dns_zone_id": "Z0123456789ABCDEFGHIJ"}
    raw["filesystem"] = {"enabled": True}  # the FSx CSI driver (AWS only)
    # A topology-aware GPU pool brings the multi-node job API (kubernetes/jobs/jobset.py).
    next(p for p in raw["node_pools"] if p.get("gpu"))["topology_aware"] = True
    # The EFA device plugin only with a fabric pool (tests/fabric).
    expected = set(PINNED) - {"cert-manager", "aws-efa-k8s-device-plugin"}
    assert set(charts_installed(PlatformSpec.from_dict(raw))) == expected
    azure = shipped_spec("azure-prod")
    assert azure["network"].get("domain")
    assert "cert-manager" in charts_installed(PlatformSpec.from_dict(azure))


@pytest.mark.parametrize(
    ("version", "culprits"),
    [
        ("1.33", ["keda-add-ons-http 0.15.0 supports Kubernetes 1.34–1.36"]),
        ("1.36", ["keda 2.20.2 supports Kubernetes 1.33–1.35"]),
        (
            "1.32",
            [
                "gpu-operator v26.7.0 supports Kubernetes 1.33–1.36",
                "keda-add-ons-http 0.15.0",
                "cluster-autoscaler 9.59.0 supports Kubernetes 1.33–1.36",
            ],
        ),
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
    assert "supported range (1.34–1.35)" in problem.fix


def test_the_range_follows_the_charts_actually_installed() -> None:
    """Without scale-to-zero services on request rate the HTTP add-on is not installed, but KEDA still is:
    every service scales through it (issue 26 J2), so its range (1.33-1.35) holds."""
    raw = _spec("1.35")
    raw["services"] = [{**s, "replicas": {"min": 1, "max": 2}} for s in raw["services"]]
    installed = charts_installed(PlatformSpec.from_dict(raw))
    assert "keda" in installed and "keda-add-ons-http" not in installed


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
