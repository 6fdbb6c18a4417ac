"""Issue 24 item 10: docs/gcp.md's "Not built yet" names nothing the shipped gcp stacks build. Each
feature is looked for in the recorded plan, and what the plan has must not be listed as missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from lepton_infra.plan.record import PlannedGraph

DOC = Path(__file__).resolve().parents[2] / "docs" / "gcp.md"
CLUSTER = "gcp:container/cluster:Cluster"


def _not_built() -> str:
    text = DOC.read_text()
    start = text.index("## Not built yet")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)].lower()


def _built(graph: PlannedGraph) -> dict[str, bool]:
    cluster = graph.one(CLUSTER)
    pools = graph.of_type("gcp:container/nodePool:NodePool")
    return {
        "binary authorization": cluster.get("binaryAuthorization.evaluationMode") not in (None, "DISABLED"),
        "gateway api": bool(graph.of_type("kubernetes:gateway.networking.k8s.io/v1:Gateway")),
        "intranode visibility": cluster.get("enableIntranodeVisibility") is True,
        "queued provisioning": any(p.get("queuedProvisioning.enabled") is True for p in pools),
    }


@pytest.mark.parametrize("stack", ["gcp-dev", "gcp-prod"])
def test_not_built_yet_lists_nothing_the_plan_builds(plan_stack, platform_dir, stack: str) -> None:
    built = [name for name, present in _built(plan_stack(platform_dir, stack)).items() if present]
    if stack == "gcp-prod":  # the prod plan has all four: the check is not vacuous
        assert len(built) == 4, built
    section = _not_built()
    assert [name for name in built if name in section] == []
