"""Spec values that plan offline but the cloud or Kubernetes refuses at apply time: refused at spec time,
each naming the field, the value and the fix, all in one SpecError."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from lepton_infra.core.conventions import CLOUDWATCH_RETENTION_DAYS
from lepton_infra.core.errors import SpecError
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.apply_time import label_key_problem
from tests.kubernetes.harness import raw_spec


def _problems(raw: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    return {p.path: p for p in err.value.problems}


def test_every_apply_time_problem_in_one_error() -> None:
    raw = copy.deepcopy(raw_spec("aws-prod"))
    raw["network"] = {**raw.get("network", {}), "flow_log_retention_days": 45}
    raw["node_pools"] = [
        {
            "name": "h100",
            "gpu": {"type": "h100-80gb", "count": 8},
            "min": 0,
            "max": 2,
            "labels": {"team": "a b c", "kubernetes.io/role": "gpu"},
        },
        {"name": "l4-spot", "gpu": {"type": "l4", "count": 1}, "min": 0, "max": 16, "spot": True},
    ]
    raw["tenants"] = [{**raw["tenants"][0], "admins": ["research-admins", "  "]}, *raw["tenants"][1:]]
    problems = _problems(raw)
    retention = problems["network.flow_log_retention_days"]
    assert retention.value == 45 and "60" in retention.fix
    assert problems["node_pools[0].labels.team"].value == "a b c"
    assert problems["node_pools[0].labels"].value == "kubernetes.io/role"
    assert problems["tenants[0].admins[1]"].value == "  "
    system = problems["node_pools"]
    assert system.value == ["h100", "l4-spot"]
    assert "non-GPU on-demand pool with min >= 1" in system.fix


def test_cloudwatch_retention_values_are_accepted() -> None:
    for days in CLOUDWATCH_RETENTION_DAYS:
        raw = raw_spec("aws-dev")
        raw["network"] = {**raw.get("network", {}), "flow_log_retention_days": days}
        PlatformSpec.from_dict(raw)


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("workload", True),
        ("example.com/workload", True),
        ("node.kubernetes.io/role", True),
        ("kubelet.kubernetes.io/x", True),
        ("Team_1.a", True),
        ("kubernetes.io/role", False),
        ("node-role.kubernetes.io/gpu", False),
        ("k8s.io/x", False),
        ("a b", False),
        ("-x", False),
        ("x-", False),
        ("a/b/c", False),
        ("Example.com/x", False),
        ("x" * 64, False),
        ("", False),
    ],
)
def test_label_keys_as_kubernetes_and_the_kubelet_take_them(key: str, ok: bool) -> None:
    assert (label_key_problem(key) is None) == ok


def test_the_platforms_own_node_labels_are_refused() -> None:
    raw = raw_spec("aws-dev")
    raw["node_pools"] = [
        {**raw["node_pools"][0], "labels": {"lepton.ai/pool": "other"}},
        *raw["node_pools"][1:],
    ]
    assert "set by the platform" in _problems(raw)["node_pools[0].labels"].why


def test_a_valid_label_with_a_prefix_reaches_the_node_group() -> None:
    raw = raw_spec("aws-dev")
    raw["node_pools"] = [
        {**raw["node_pools"][0], "labels": {"example.com/tier": "system_1.a"}},
        *raw["node_pools"][1:],
    ]
    assert PlatformSpec.from_dict(raw).node_pools[0].labels == {"example.com/tier": "system_1.a"}


def test_a_cpu_pool_at_min_zero_cannot_host_the_system_pods() -> None:
    raw = raw_spec("gcp-dev")
    raw["node_pools"] = [{**raw["node_pools"][0], "min": 0}, *raw["node_pools"][1:]]
    assert "node_pools" in _problems(raw)


def test_a_label_key_too_long_for_the_autoscalers_asg_tag_is_refused_on_aws() -> None:
    """k8s.io/cluster-autoscaler/node-template/label/ (46 chars) + the key must fit AWS's 128: 82 chars."""
    fits, too_long = "a" * 18 + ".io/" + "n" * 60, "a" * 19 + ".io/" + "n" * 60  # 82 and 83 chars
    assert label_key_problem(too_long) is None  # a valid Kubernetes key
    raw = raw_spec("aws-dev")
    raw["node_pools"] = [{**raw["node_pools"][0], "labels": {fits: "x"}}, *raw["node_pools"][1:]]
    PlatformSpec.from_dict(raw)
    raw["node_pools"] = [{**raw["node_pools"][0], "labels": {too_long: "x"}}, *raw["node_pools"][1:]]
    problem = _problems(raw)["node_pools[0].labels"]
    assert problem.value == too_long and "ASG tag" in problem.why
    gcp = raw_spec("gcp-dev")
    gcp["node_pools"] = [{**gcp["node_pools"][0], "labels": {too_long: "x"}}, *gcp["node_pools"][1:]]
    PlatformSpec.from_dict(gcp)


def test_cluster_log_retention_refused_unless_cloudwatch_accepts_it() -> None:
    """15 was the Container Insights retention before (from `monitoring.retention_days`): CloudWatch's
    PutRetentionPolicy refuses it, so the spec refuses it, naming the field and the nearest value."""
    raw = copy.deepcopy(raw_spec("aws-prod"))
    raw["aws"] = {**raw["aws"], "log_retention_days": 15}
    raw["network"] = {**raw.get("network", {}), "flow_log_retention_days": 360}
    problems = _problems(raw)
    assert problems["aws.log_retention_days"].value == 15 and "14" in problems["aws.log_retention_days"].fix
    assert problems["network.flow_log_retention_days"].value == 360
    assert "365" in problems["network.flow_log_retention_days"].fix


@pytest.mark.parametrize(("stack", "days"), [("aws-dev", 30), ("aws-prod", 365)])
def test_log_retentions_default_by_environment_on_aws(stack: str, days: int) -> None:
    spec = PlatformSpec.from_dict(raw_spec(stack))
    assert spec.aws is not None
    assert (
        spec.aws.log_retention_days,
        spec.aws.access_log_retention_days,
        spec.network.flow_log_retention_days,
    ) == (days, days, days)


def test_flow_log_retention_default_elsewhere_is_unchanged() -> None:
    """The AWS rows do not reach the other clouds (Azure caps its flow-log retention itself)."""
    assert PlatformSpec.from_dict(raw_spec("azure-prod")).network.flow_log_retention_days == 90
