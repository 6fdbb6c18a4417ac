"""Issue 24 item 4: GKE's DNS-based endpoint takes requests from any network that reaches Google APIs
(`allowExternalTraffic`), IAM alone deciding and `cluster.authorized_networks` not applying. gcp-prod's
private endpoint keeps it (its first `pulumi up` reaches the API only that way), so the stack file says it
in so many words and every plan that serves it warns."""

from __future__ import annotations

import copy
from typing import Any

import pulumi
import pytest
import yaml

from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR

CLUSTER = "gcp:container/cluster:Cluster"


def _shipped(stack: str) -> dict[str, Any]:
    config = yaml.safe_load((PLATFORM_STACK_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]
    return copy.deepcopy(config["lepton:platform"])


def _plan_warnings(plan_program, raw: dict[str, Any], monkeypatch: pytest.MonkeyPatch):
    warned: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: warned.append(str(msg)))
    graph = plan_program(lambda: build(PlatformSpec.from_dict(raw)), {"lepton:platform": raw})
    return graph, [w for w in warned if "DNS-based endpoint" in w]


@pytest.mark.parametrize("stack", ["gcp-dev", "gcp-prod"])
def test_a_plan_that_serves_the_api_outside_the_vpc_says_so(
    stack: str, plan_program, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph, warned = _plan_warnings(plan_program, _shipped(stack), monkeypatch)
    external = graph.one(CLUSTER).get("controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic")
    assert external is {"gcp-dev": None, "gcp-prod": True}[stack]
    if external:
        assert len(warned) == 1
        assert "any network that reaches Google APIs" in warned[0]
        assert "cluster.authorized_networks do not apply" in warned[0]
    else:
        assert warned == []


def test_gcp_prod_chooses_the_dns_endpoint_in_its_own_words() -> None:
    text = (PLATFORM_STACK_DIR / "Pulumi.gcp-prod.yaml").read_text()
    assert "private-only endpoint" not in text
    assert _shipped("gcp-prod")["gcp"]["dns_endpoint"] is True


def test_off_keeps_the_api_inside_the_vpc_without_a_warning(
    plan_program, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _shipped("gcp-prod")
    raw["gcp"]["dns_endpoint"] = False
    graph, warned = _plan_warnings(plan_program, raw, monkeypatch)
    assert "controlPlaneEndpointsConfig" not in graph.one(CLUSTER).inputs
    assert warned == []
