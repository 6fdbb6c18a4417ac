"""Issue 24 item 7: a GKE Gateway's hosts share one target HTTPS proxy, which holds at most 15 SSL
certificates (Compute API targetHttpsProxies.setSslCertificates), and every host is a listener with its
own certificate: a 16th host on one Gateway is refused at spec time, not discovered as every host failing
after `pulumi up` (which does not wait on Gateways)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from lepton_infra.core.errors import SpecError
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR

GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"


def _prod_with_internal_hosts(count: int) -> dict[str, Any]:
    config = yaml.safe_load((PLATFORM_STACK_DIR / "Pulumi.gcp-prod.yaml").read_text())["config"]
    raw = copy.deepcopy(config["lepton:platform"])
    template = next(s for s in raw["services"] if s["name"] == "embeddings")
    raw["services"] = [
        {**{k: v for k, v in template.items() if k != "gpu"}, "name": f"model-{i}", "expose": "internal"}
        for i in range(count)
    ]
    # No service keeps an L4 running now: the on-demand l4 pool is a job flavor again and needs queue
    # quota (spec/jobs_rules.py), within research's namespace quota (it may borrow it).
    serving = next(t for t in raw["tenants"] if t["name"] == "serving")
    serving["jobs"]["gpu_quota"] = {"l4": 1, "l4-spot": 1}
    # The namespace quota holds the services at max plus a surge pod each, 16 x (4 + 1) x 2 CPU / 8Gi,
    # beside the queue's (spec/queue_compute.py).
    serving.update(cpu_quota="192", memory_quota="768Gi")
    return raw


def _plan(plan_program, raw: dict[str, Any]):
    return plan_program(lambda: build(PlatformSpec.from_dict(raw)), {"lepton:platform": raw})


def test_a_sixteenth_host_on_one_gateway_is_refused(plan_program) -> None:
    with pytest.raises(SpecError) as err:
        _plan(plan_program, _prod_with_internal_hosts(16))
    [problem] = err.value.problems
    assert (problem.path, problem.value) == ("services", 16)
    assert "at most 15 certificates" in problem.why and "15" in problem.fix


def test_fifteen_hosts_fit_one_gateway(plan_program) -> None:
    graph = _plan(plan_program, _prod_with_internal_hosts(15))
    [gateway] = [g for g in graph.of_type(GATEWAY) if "internal" in g.inputs["metadata"]["name"]]
    https = [item for item in gateway.inputs["spec"]["listeners"] if item["protocol"] == "HTTPS"]
    assert len(https) == 15
