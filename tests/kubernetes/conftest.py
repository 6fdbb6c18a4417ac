from __future__ import annotations

from dataclasses import dataclass

import pytest

from lepton_infra.kubernetes import PlatformAddons, build_addons
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph
from tests.kubernetes.harness import STRICT_PROVIDERS, RecordingBinder, load_spec, make_handle

ADDONS = "acme-ai-k8s"


@dataclass
class Planned:
    graph: PlannedGraph
    binder: RecordingBinder
    addons: list[PlatformAddons]

    def k8s(self, kind_type: str, name: str):
        return self.graph.one(kind_type, name)


def plan_addons(
    stack: str = "aws-prod",
    binder: RecordingBinder | None = None,
    facts=None,
    metrics_server_installed: bool = False,
    handle_facts: dict | None = None,
    ingress=None,
    **spec_overrides,
) -> Planned:
    """`ingress`: a function returning the handle's IngressFacts, called inside the program (the facts
    may hold resources, which exist only there)."""
    binder = binder or RecordingBinder()
    spec = load_spec(stack, **spec_overrides)
    built: list[PlatformAddons] = []

    def program() -> None:
        extra = dict(handle_facts or {})
        if ingress is not None:
            extra["ingress"] = ingress()
        built.append(
            build_addons(
                spec,
                make_handle(binder, facts=facts, metrics_server_installed=metrics_server_installed, **extra),
            )
        )

    return Planned(plan_program(program, STRICT_PROVIDERS), binder, built)


@pytest.fixture(scope="module")
def prod() -> Planned:
    """aws-prod's spec on a handle with EKS-like GPU facts; the identity binder also sets a pod label
    (as Azure's does), so its propagation is visible."""
    return plan_addons("aws-prod", binder=RecordingBinder(pod_labels={"azure.workload.identity/use": "true"}))
