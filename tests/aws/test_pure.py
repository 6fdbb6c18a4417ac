"""The pure planning functions of the AWS components, tested without any engine."""

from __future__ import annotations

import json

import pytest

from lepton_infra.aws.access import endpoint_access
from lepton_infra.aws.autoscaler import IMAGE_TAGS, image_tag
from lepton_infra.aws.cluster import kubeconfig
from lepton_infra.aws.encryption import key_policy
from lepton_infra.aws.iam import has_admin_wildcard
from lepton_infra.aws.monitoring import gpu_idle_expression
from lepton_infra.aws.network import nat_zone_indexes
from lepton_infra.aws.node_pool import (
    AWS_ACCELERATOR_LABEL,
    Taint,
    node_template_tags,
    pool_labels,
    pool_taints,
    tag_slug,
)
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.resolved import resolve

TEMPLATE = "k8s.io/cluster-autoscaler/node-template"


def test_node_template_tags_for_a_gpu_pool() -> None:
    tags = node_template_tags({"lepton.ai/pool": "h100"}, [Taint("nvidia.com/gpu", "present")], 8)
    assert tags == {
        f"{TEMPLATE}/label/lepton.ai/pool": "h100",
        f"{TEMPLATE}/taint/nvidia.com/gpu": "present:NoSchedule",
        f"{TEMPLATE}/resources/nvidia.com/gpu": "8",
    }


def test_node_template_tags_without_gpus_have_no_resources() -> None:
    assert node_template_tags({"a": "b"}, [], 0) == {f"{TEMPLATE}/label/a": "b"}


def test_node_template_tags_announce_disk() -> None:
    assert node_template_tags({}, [], 0, 200) == {f"{TEMPLATE}/resources/ephemeral-storage": "200Gi"}


def test_tag_slug_is_stable_and_urn_safe() -> None:
    assert tag_slug(f"{TEMPLATE}/label/lepton.ai/pool") == "label-lepton-ai-pool"
    assert tag_slug(f"{TEMPLATE}/resources/nvidia.com/gpu") == "resources-nvidia-com-gpu"


def test_gpu_pool_labels_include_the_autoscaler_accelerator_label() -> None:
    labels = pool_labels("l4", "l4", {"team": "x"})
    assert labels[AWS_ACCELERATOR_LABEL] == "l4"
    assert labels["team"] == "x"


def test_pool_labels_cannot_override_the_shared_conventions() -> None:
    assert pool_labels("real", None, {"lepton.ai/pool": "fake"})["lepton.ai/pool"] == "real"


def test_only_gpu_pools_are_tainted() -> None:
    assert pool_taints(None) == []
    assert pool_taints("h100-80gb") == [Taint("nvidia.com/gpu", "present", "NoSchedule")]


def test_private_endpoint_always_on() -> None:
    assert endpoint_access(False, []) == (True, False, [])
    assert endpoint_access(True, ["203.0.113.0/24"]) == (True, True, ["203.0.113.0/24"])


def test_public_endpoint_without_cidrs_refused() -> None:
    with pytest.raises(ValueError, match="authorized_networks"):
        endpoint_access(True, [])


def test_private_endpoint_drops_cidrs() -> None:
    assert endpoint_access(False, ["203.0.113.0/24"])[2] == []


def test_kubeconfig_uses_short_lived_tokens() -> None:
    config = json.loads(kubeconfig("c1", "https://x", "Q0E=", "eu-west-1"))
    user = config["users"][0]["user"]
    assert "token" not in user
    assert user["exec"]["command"] == "aws"
    assert user["exec"]["args"][:4] == ["eks", "get-token", "--cluster-name", "c1"]
    assert config["clusters"][0]["cluster"]["certificate-authority-data"] == "Q0E="


def test_nat_per_zone_or_single() -> None:
    assert nat_zone_indexes("per-zone", 3) == [0, 1, 2]
    assert nat_zone_indexes("single", 3) == [0]


def test_key_policy_has_no_service_wildcard_and_root_admin_only() -> None:
    doc = key_policy("123456789012", "aws", "us-east-1")
    wildcard = [s for s in doc["Statement"] if s["Action"] == "kms:*"]
    assert [s["Principal"] for s in wildcard] == [{"AWS": "arn:aws:iam::123456789012:root"}]
    assert not has_admin_wildcard(doc)


def test_has_admin_wildcard_detects_star_on_star() -> None:
    assert has_admin_wildcard({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    assert not has_admin_wildcard({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
    assert not has_admin_wildcard({"Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]})


def test_autoscaler_image_matches_cluster_minor() -> None:
    assert all(tag.startswith(f"v{minor}.") for minor, tag in IMAGE_TAGS.items())
    assert image_tag("1.33").startswith("v1.33.")
    with pytest.raises(ValueError, match=r"1\.20"):
        image_tag("1.20")


def test_gpu_idle_expression_uses_threshold() -> None:
    assert "< 7" in gpu_idle_expression(7)


def test_unsupported_kubernetes_version_is_a_spec_error() -> None:
    from lepton_infra.core.errors import SpecError

    with pytest.raises(SpecError) as err:  # the chart support table: the autoscaler image is pinned per minor
        PlatformSpec.from_dict(
            {
                "name": "pure",
                "environment": "dev",
                "cloud": "aws",
                "region": "us-east-1",
                "cluster": {"version": "1.29", "authorized_networks": ["203.0.113.0/24"]},
                "node_pools": [{"name": "system", "min": 1, "max": 2}],
                "tags": {"team": "t", "cost-center": "1"},
            }
        )
    # Refused twice: no chart release supports it, and EKS no longer creates it (the lifecycle table); a
    # missing add-on pin is not said of a minor EKS would refuse anyway.
    assert err.value.paths == ["cluster.version", "cluster.version"]


def _spec(pool: dict) -> PlatformSpec:
    return PlatformSpec.from_dict(
        {
            "name": "pure",
            "environment": "dev",
            "cloud": "aws",
            "region": "us-east-1",
            "cluster": {"authorized_networks": ["203.0.113.0/24"]},
            "node_pools": [{"name": "system", "min": 1, "max": 2}, pool],
            "tags": {"team": "t", "cost-center": "1"},
        }
    )


def test_spot_pools_get_same_shape_types_only() -> None:
    spec = _spec({"name": "l4", "gpu": {"type": "l4", "count": 1}, "spot": True})
    assert resolve(spec).pools[1].instance_types == ["g6.xlarge"]
    spec = _spec({"name": "batch", "cpu": "standard-16", "spot": True})
    assert resolve(spec).pools[1].instance_types == ["m6i.4xlarge", "m6a.4xlarge", "m5.4xlarge"]


def test_on_demand_gpu_pool_gets_the_cheapest_fit() -> None:
    spec = _spec({"name": "a10", "gpu": {"type": "a10g", "count": 4}})
    assert resolve(spec).pools[1].instance_types == ["g5.12xlarge"]


def test_explicit_machine_type_wins() -> None:
    spec = _spec({"name": "l4big", "gpu": {"type": "l4", "count": 1}, "machine_type": "g6.8xlarge"})
    assert resolve(spec).pools[1].instance_types == ["g6.8xlarge"]


def test_cpu_pool_default_class() -> None:
    spec = _spec({"name": "cpu", "cpu": "standard-8"})
    assert resolve(spec).pools[1].instance_types == ["m6i.2xlarge"]
