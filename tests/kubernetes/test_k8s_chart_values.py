"""Every Helm values key a shipped stack sets exists in that chart version's values.yaml.

Helm ignores an unknown key without a word: a misspelt or moved key plans, installs and does nothing.
The key lists are data (`chart_values/*.keys`, generated from values.yaml at the pinned tag; see
chart_values/README.md); the values are the ones the stacks' own programs record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from lepton_infra.kubernetes.charts import pinned as charts
from lepton_infra.kubernetes.charts.pinned import HelmChart
from lepton_infra.plan.record import PlannedGraph
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.kubernetes.manifests import HELM_RELEASE, chart_name
from tests.kubernetes.pins import pinned_name, subcharts_by_pinned_name

KEYS_DIR = Path(__file__).parent / "chart_values"
# Subcharts a parent pins (its Chart.yaml `dependencies` at the pinned tag, the support table's
# `subcharts`): values under the subchart's name are the subchart's own values.
SUBCHARTS = subcharts_by_pinned_name()
# Maps whose content the chart passes through as it is (Kubernetes objects, config files, flags).
FREE_FORM = {
    "nodeSelector",
    "tolerations",
    "affinity",
    "resources",
    "annotations",
    "labels",
    "podLabels",
    "podAnnotations",
    "extraArgs",
    "env",
    "extraEnv",
    "securityContext",
    "containerSecurityContext",
    "grafana.ini",
    "config",
    "spec",
    "volumeClaimTemplate",
    "storageSpec",
    # A whole PodSecurityContext, `toYaml`-ed by the KEDA HTTP add-on's deployments (0.12.0, 0.15.0).
    "podSecurityContext",
}


# Keys the templates read that values.yaml only mentions in a comment, each with its evidence.
COMMENTED = yaml.safe_load((KEYS_DIR / "commented-keys.yaml").read_text())


@cache
def chart_keys(name: str) -> frozenset[str]:
    path = KEYS_DIR / f"{name}.keys"
    assert path.exists(), f"no values keys recorded for {name}: generate {path.name} (chart_values/README.md)"
    listed = {line for line in path.read_text().splitlines() if line and not line.startswith("#")}
    return frozenset(listed | set(COMMENTED.get(name) or {}))


def _escape(key: str) -> str:
    return key.replace(".", "\\.")


def unknown_keys(
    values: Mapping[str, Any], keys: frozenset[str], subcharts: Mapping[str, str] = {}, prefix: str = ""
) -> Iterator[str]:
    for key, value in values.items():
        path = f"{prefix}.{_escape(key)}" if prefix else _escape(key)
        if not prefix and key in subcharts:
            sub = chart_keys(subcharts[key])
            own = frozenset(k[len(path) + 1 :] for k in keys if k.startswith(f"{path}."))
            if isinstance(value, Mapping):
                yield from (f"{path}.{k}" for k in unknown_keys(value, sub | own))
            continue
        if path not in keys:
            yield path
            continue
        has_children = any(k.startswith(f"{path}.") for k in keys)
        if isinstance(value, Mapping) and has_children and key not in FREE_FORM:
            yield from unknown_keys(value, keys, prefix=path)


def _releases(graph: PlannedGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (r.name, chart_name(r), str(r.get("version")), dict(r.get("values") or {}))
        for r in graph.of_type(HELM_RELEASE)
    ]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_values_key_exists_in_the_pinned_chart(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    releases = _releases(graph)
    assert releases, "the stack installs no chart"
    wrong = []
    for name, chart, version, values in releases:
        keys = chart_keys(f"{chart}-{version}")
        wrong += [
            f"{name} ({chart} {version}): {k}"
            for k in unknown_keys(values, keys, SUBCHARTS.get(f"{chart}-{version}", {}))
        ]
    assert wrong == []


def test_every_pinned_chart_has_its_keys_recorded() -> None:
    for chart in (c for c in vars(charts).values() if isinstance(c, HelmChart)):
        assert chart_keys(f"{chart.chart}-{chart.version}")


def test_the_walk_catches_a_wrong_key_and_stops_at_free_form_maps() -> None:
    keys = chart_keys(pinned_name("metrics-server"))
    assert list(
        unknown_keys({"replicas": 2, "podDisruptionBudget": {"enabled": True, "maxUnavailabel": 1}}, keys)
    ) == ["podDisruptionBudget.maxUnavailabel"]
    assert (
        list(unknown_keys({"resources": {"requests": {"cpu": "1"}}, "nodeSelector": {"a": "b"}}, keys)) == []
    )
    kps = chart_keys(pinned_name("kube-prometheus-stack"))
    subs = SUBCHARTS[pinned_name("kube-prometheus-stack")]
    assert list(
        unknown_keys({"grafana": {"adminPassword": "", "sidecar": {"dashboard": {}}}}, kps, subs)
    ) == ["grafana.sidecar.dashboard"]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_chart_versions_come_from_one_place(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    """Every release a stack installs, the cloud layer's included, is pinned in core/data/chart_support.yaml
    (so the support table, the keys above and a bump are reviewed together)."""
    pinned = {
        (None if c.reference != c.chart else c.repo, c.reference, c.version)
        for c in vars(charts).values()
        if isinstance(c, HelmChart)
    }
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    elsewhere = [
        f"{r.name}: {r.get('chart')} {r.get('version')}"
        for r in graph.of_type(HELM_RELEASE)
        if (r.get("repositoryOpts.repo"), r.get("chart"), r.get("version")) not in pinned
    ]
    assert elsewhere == [], "pinned outside lepton_infra/core/data/chart_support.yaml"


def test_the_aws_autoscaler_values_exist_in_its_chart() -> None:
    """The cluster-autoscaler release as lepton_infra/aws/autoscaler.py renders it (also walked in the AWS
    stacks' plans above), checked on its own so a wrong key shows without planning a stack."""
    from lepton_infra.aws.autoscaler import chart_values
    from lepton_infra.kubernetes.charts.pinned import CLUSTER_AUTOSCALER

    values = chart_values("acme-ai", "1.35", "us-east-1", "arn:aws:iam::123456789012:role/ca", 10)
    assert (
        list(unknown_keys(values, chart_keys(f"{CLUSTER_AUTOSCALER.chart}-{CLUSTER_AUTOSCALER.version}")))
        == []
    )
