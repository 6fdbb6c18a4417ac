"""The cloud contract (core/cloud.py): one typed set of platform outputs, exported under the names each
cloud's stacks have always used."""

from __future__ import annotations

import pulumi
import pytest
import yaml

from lepton_infra.core.cloud import PlatformOutputs
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR


def _outputs(**overrides: object) -> PlatformOutputs:
    fields: dict = dict(
        cluster_name="c",
        cluster_endpoint="https://c",
        kubeconfig="{}",  # an Output in a program; any value here
        model_bucket="b",
        registry_url="r",
        region="eu-west-1",
        key_id="k",
        api_access="from here",
    )
    return PlatformOutputs(**{**fields, **overrides})


def test_stack_output_names_and_order() -> None:
    assert list(_outputs(cloud_specific={"project": "p"}).to_stack_outputs()) == [
        "cluster_name",
        "cluster_endpoint",
        "kubeconfig",
        "model_bucket",
        "registry_url",
        "kms_key_id",
        "region",
        "project",
        "api_access",
    ]


def test_the_key_keeps_its_per_cloud_export_name() -> None:
    exported = _outputs(
        key_id="arn:aws:kms:eu-west-1:1:key/x", key_output_name="kms_key_arn"
    ).to_stack_outputs()
    assert exported["kms_key_arn"] == "arn:aws:kms:eu-west-1:1:key/x"
    assert "kms_key_id" not in exported


def test_host_addresses_are_a_typed_output() -> None:
    """No untyped side channel: the hosts' addresses are a field of the contract, exported only when a
    host is exposed (docs/architecture.md)."""
    exported = _outputs(host_addresses={"a.ai.acme.dev": "10.0.0.9"}).to_stack_outputs()
    assert exported["host_addresses"] == {"a.ai.acme.dev": "10.0.0.9"}
    assert list(exported)[-2:] == ["host_addresses", "api_access"]
    assert "host_addresses" not in _outputs().to_stack_outputs()


@pytest.mark.parametrize("name", ["region", "api_access", "kms_key_id", "host_addresses"])
def test_a_cloud_extra_cannot_hide_a_common_output(name: str) -> None:
    with pytest.raises(ValueError, match=name):
        _outputs(cloud_specific={name: "x"}).to_stack_outputs()


def _dev_spec(cloud: str, **cluster: object) -> dict:
    doc = yaml.safe_load((PLATFORM_STACK_DIR / f"Pulumi.{cloud}-dev.yaml").read_text())
    raw = dict(doc["config"]["lepton:platform"])
    raw["cluster"] = {**raw["cluster"], **cluster}
    return raw


@pytest.mark.parametrize(("cloud", "api"), [("aws", "EKS"), ("gcp", "GKE"), ("azure", "AKS")])
def test_every_cloud_warns_when_its_api_is_open_to_the_world(
    cloud: str, api: str, plan_program, monkeypatch: pytest.MonkeyPatch
) -> None:
    warned: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: warned.append(msg))
    for networks, dangerous in (([], False), (["0.0.0.0/0"], True)):
        warned.clear()
        raw = _dev_spec(
            cloud,
            authorized_networks=[*networks, "203.0.113.0/24"],
            allow_public_endpoint_from_anywhere=dangerous,
        )
        plan_program(lambda raw=raw: build(PlatformSpec.from_dict(raw)), {"lepton:platform": raw})
        danger = [w for w in warned if w.startswith("DANGER")]
        assert (
            danger
            == [
                f"DANGER: the {api} API endpoint is open to the whole internet (0.0.0.0/0 in "
                "cluster.authorized_networks, allowed by allow_public_endpoint_from_anywhere)"
            ]
        ) is dangerous, warned
