"""What `node_pools[].topology_aware` needs: a GPU pool that is a job flavor (kubernetes/jobs/topology.py).
Pure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.spec.reserved_pools import reserved_pools

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


@rule("environment", "services", "node_pools", "jobs")
def _topology_aware_pools_are_job_flavors(spec: PlatformSpec) -> Iterator[Problem]:
    kept = {p.name for p in reserved_pools(spec)}
    for i, pool in enumerate(spec.node_pools):
        if not pool.topology_aware:
            continue
        path = f"node_pools[{i}].topology_aware"
        if pool.gpu is None:
            yield Problem(path, True, "topology-aware scheduling is for GPU job flavors", "remove it")
        elif not spec.jobs.enabled:
            yield Problem(path, True, "it places queued jobs, and jobs are off", "set jobs.enabled: true")
        elif pool.name in kept:
            yield Problem(
                path,
                True,
                f"{pool.name} holds the services kept running in prod and is no job flavor",
                "set it on a pool jobs run on",
            )


TOPOLOGY_RULES: tuple[Rule, ...] = (_topology_aware_pools_are_job_flavors,)
