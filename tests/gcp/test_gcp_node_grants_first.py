"""The node identity's grants exist before any node boots (issue 24 item 9): every GKE node pool waits for
the node service account's project role (`roles/container.defaultNodeServiceAccount`: logs, metrics,
metadata) and for its registry reader grant (image pulls); the cluster, whose short-lived default pool runs
with the same identity, waits for the role."""

from __future__ import annotations

import pytest

from lepton_infra.plan.record import PlannedGraph

POOL = "gcp:container/nodePool:NodePool"
NODE_ROLE = "roles/container.defaultNodeServiceAccount"
READER = "roles/artifactregistry.reader"


def _grants(graph: PlannedGraph) -> tuple[set[str], set[str]]:
    [account] = [
        a
        for a in graph.of_type("gcp:serviceaccount/account:Account")
        if a.get("accountId", "").endswith("-nodes")
    ]
    member = f"serviceAccount:{account.get('accountId')}@"
    roles = {
        m.urn
        for m in graph.of_type("gcp:projects/iAMMember:IAMMember")
        if m.get("role") == NODE_ROLE and str(m.get("member")).startswith(member)
    }
    readers = {
        m.urn
        for m in graph.of_type("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")
        if m.get("role") == READER and str(m.get("member")).startswith(member)
    }
    assert len(roles) == 1 and len(readers) == 1, (roles, readers)
    return roles, readers


@pytest.mark.parametrize("stack", ["gcp-dev", "gcp-prod"])
def test_node_pools_wait_for_the_node_identitys_grants(plan_stack, platform_dir, stack: str) -> None:
    graph = plan_stack(platform_dir, stack)
    roles, readers = _grants(graph)
    pools = graph.of_type(POOL)
    assert len(pools) == {"gcp-dev": 2, "gcp-prod": 4}[stack]
    for pool in pools:
        missing = (roles | readers) - graph.waits_for(pool)
        assert not missing, f"{pool.name} may boot nodes before {sorted(missing)}"
    cluster = graph.one("gcp:container/cluster:Cluster")
    assert roles <= graph.waits_for(cluster)
