"""What an in-cluster component refuses about the chart it installs and the cluster it installs it on:
a Kubernetes minor the pinned chart does not support (the table in core/data/chart_support.yaml, each row
naming its source). The spec refuses the same for the charts a platform installs (spec/chart_rules.py);
this check lets a component used on its own refuse it too, before it registers."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.core.args import known
from lepton_infra.core.chart_support import chart_support
from lepton_infra.core.errors import Problem
from lepton_infra.kubernetes.charts.pinned import HelmChart
from lepton_infra.spec import ClusterSpec
from lepton_infra.spec.problems import like_spec_field


def kubernetes_version_problems(kubernetes_version: str, charts: dict[str, HelmChart]) -> Iterator[Problem]:
    """`kubernetes_version` as the spec's `cluster.version` accepts it, then supported by each of `charts`
    (arg name -> chart) at its pinned version. A chart or version the table does not hold (the caller's
    own) is the caller's to judge: nothing is said about it."""
    problems = like_spec_field("kubernetes_version", kubernetes_version, ClusterSpec, "version")
    yield from problems
    if problems or not known(kubernetes_version):
        return
    for arg, chart in charts.items():
        row = chart_support().get(chart.chart)
        if row is None or row.version != chart.version or row.supports_kubernetes(kubernetes_version):
            continue
        yield Problem(
            "kubernetes_version",
            kubernetes_version,
            f"{chart.chart} {chart.version} (`{arg}`) supports Kubernetes {row.kubernetes_range} "
            f"(core/data/chart_support.yaml, read {row.read})",
            f"use a Kubernetes minor in {row.kubernetes_range}, or pass in `{arg}` a chart version that "
            "supports this one",
        )
