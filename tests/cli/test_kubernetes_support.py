"""Kubernetes version support judged at the plan's date, end to end: an old pin exits 2 naming the end date
and the fix, the extended-support opt-in plans, maps to each cloud's setting and is priced, and the report
prints when support ends and warns 60 days before. Dates come from core/data/kubernetes_versions.yaml and
are written out here."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from lepton_infra.cli import app
from lepton_infra.cli.version_report import kubernetes_section
from lepton_infra.core.kubernetes_versions import PLAN_DATE_ENV
from lepton_infra.cost import estimate_cost
from lepton_infra.plan.record import PlannedGraph
from tests.conftest import PLAN_DATE, PLATFORM_STACK_DIR, REPO, SHIPPED_STACKS
from tests.unit.test_kubernetes_versions import spec

runner = CliRunner()


def _stack_dir(tmp_path: Path, platform: dict[str, Any]) -> Path:
    shutil.copy(REPO / "stacks/platform/__main__.py", tmp_path / "__main__.py")
    (tmp_path / "Pulumi.yaml").write_text("name: k8s-support\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text(yaml.safe_dump({"config": {"lepton:platform": platform}}))
    return tmp_path


def _plan(directory: Path, stack: str, *options: str) -> Any:
    result = runner.invoke(app, ["plan", str(directory), "--stack", stack, *options], env={"COLUMNS": "250"})
    assert os.environ[PLAN_DATE_ENV] == PLAN_DATE, "--date must not outlive the command"
    return result


# The shipped stacks pin 1.35 (the newest minor the pinned charts support: KEDA 2.20). Past the end of its
# standard support on every cloud (the first day out): EKS 2027-03-27, AKS 2027-04-01, GKE 2027-04-11.
ENDED = {"aws": "EKS ended 2027-03-27", "gcp": "GKE ended 2027-04-11", "azure": "AKS ended 2027-04-01"}


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_a_shipped_stack_planned_after_its_minor_leaves_standard_support_exits_2(stack: str) -> None:
    result = _plan(PLATFORM_STACK_DIR, stack, "--date", "2027-04-12")
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    cloud = stack.split("-")[0]
    assert f"standard support for Kubernetes 1.35 on {ENDED[cloud]} (plan date 2027-04-12)" in text
    assert "keep 1.35 with `cluster.support: extended`" in text  # the fix, besides upgrading


def test_the_plan_date_comes_from_the_environment_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = _stack_dir(tmp_path, spec("azure", version="1.36"))
    monkeypatch.setenv(PLAN_DATE_ENV, "2027-07-01")
    result = runner.invoke(app, ["plan", str(directory), "--stack", "test"], env={"COLUMNS": "250"})
    assert result.exit_code == 2
    assert "on AKS ended 2027-07-01 (plan date 2027-07-01)" in " ".join(result.output.split())


def test_the_report_says_when_support_ends_and_warns_60_days_before(tmp_path: Path) -> None:
    directory = _stack_dir(tmp_path, spec("gcp"))  # the default minor, 1.35: GKE standard until 2027-04-11
    out = tmp_path / "report.json"
    result = _plan(directory, "test", "--date", "2027-02-09", "--json", str(out), "--full")
    assert result.exit_code == 0, result.output
    section = json.loads(out.read_text())["kubernetes"]
    assert section["summary"] == "Kubernetes 1.35 on GKE: standard support until 2027-04-11"
    assert (section["days_left"], section["warning"], section["plan_date"]) == (61, None, "2027-02-09")
    assert section["table_read"] == "2026-12-07" and section["source"]
    assert "Kubernetes 1.35 on GKE: standard support until 2027-04-11 (61 days" in result.output

    result = _plan(directory, "test", "--date", "2027-02-10", "--json", str(out), "--full")
    assert result.exit_code == 0, result.output
    section = json.loads(out.read_text())["kubernetes"]
    assert section["days_left"] == 60
    assert section["warning"].startswith("standard support for Kubernetes 1.35 on GKE ends 2027-04-11")
    assert "warning: standard support for Kubernetes 1.35 on GKE ends 2027-04-11" in result.output


def _platform_program() -> None:
    from lepton_infra.platform import build
    from lepton_infra.spec import PlatformSpec

    build(PlatformSpec.from_config())


# 1.35 (the default) with extended support on 2027-09-01, past standard support on every cloud: what each
# cloud's setting is, and the control-plane fees (USD/hour) the plan's cost table prices it at.
EXTENDED = {
    "aws": ("aws:eks/cluster:Cluster", {"upgradePolicy.supportType": "EXTENDED"}, [0.60], "2028-03-27"),
    "gcp": (
        "gcp:container/cluster:Cluster",
        {"releaseChannel.channel": "EXTENDED"},
        # the fee, the dev cluster's free tier credit against it (zonal; not against the extended fee), the
        # extended support period's fee
        [0.10, -0.10, 0.50],
        "2028-02-11",
    ),
    "azure": (
        "azure-native:containerservice:ManagedCluster",
        {"sku.tier": "Premium", "supportPlan": "AKSLongTermSupport"},
        [0.60],
        "2028-04-01",
    ),
}


@pytest.mark.parametrize("cloud", sorted(EXTENDED))
def test_extended_support_plans_maps_to_the_clouds_setting_and_is_priced(
    cloud: str, plan_program: Callable[..., PlannedGraph], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PLAN_DATE_ENV, "2027-09-01")
    graph = plan_program(_platform_program, {"lepton:platform": spec(cloud, support="extended")})
    cluster_type, settings, fees, ends = EXTENDED[cloud]
    (cluster,) = graph.of_type(cluster_type)
    assert {key: cluster.get(key) for key in settings} == settings
    control_plane = [
        i for i in estimate_cost(graph).items if i.urn == cluster.urn and i.category == "control_plane"
    ]
    assert [i.usd_per_hour for i in control_plane] == pytest.approx(fees)
    section = kubernetes_section(graph)
    assert section is not None and (section["phase"], section["support_ends"]) == ("extended", ends)
    assert section["summary"].startswith(
        f"Kubernetes 1.35 on {section['service']}: extended support until {ends}"
    )


def test_without_the_opt_in_each_cloud_keeps_its_standard_setting(
    plan_program: Callable[..., PlannedGraph],
) -> None:
    graph = plan_program(_platform_program, {"lepton:platform": spec("azure")})
    (cluster,) = graph.of_type("azure-native:containerservice:ManagedCluster")
    # dev: the Free tier, and the plan said outright: leaving LTS needs an explicit KubernetesOfficial
    # (AKS "Long-term support": disable LTS), so a plan left out would keep LTS on a cluster that had it.
    assert (cluster.get("sku.tier"), cluster.get("supportPlan")) == ("Free", "KubernetesOfficial")
