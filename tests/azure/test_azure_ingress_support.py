"""AKS's managed NGINX (the application routing add-on's NginxIngressController) is out of Microsoft's support
after November 2026 (learn.microsoft.com/azure/aks/app-routing-gateway-api, read 2026-12-07). The platform
still creates it (its successor's cluster fields are not in the pinned azure-native's ManagedCluster API),
so every plan that creates a controller says so against the plan's own date."""

from __future__ import annotations

from datetime import date
from typing import Any

import pulumi
import pytest

from lepton_infra.core.kubernetes_versions import plan_date_override
from lepton_infra.core.managed_features import managed_features
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import shipped_spec

CONTROLLER = "kubernetes:approuting.kubernetes.azure.com/v1alpha1:NginxIngressController"


def _plan(plan_program, stack: str, on: date, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[str]]:
    raw = shipped_spec(stack)
    warned: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: warned.append(str(msg)))
    with plan_date_override(on):
        graph = plan_program(lambda: build(PlatformSpec.from_dict(raw)), {"lepton:platform": raw})
    return graph, [w for w in warned if "managed NGINX" in w]


def test_the_support_row_holds_microsofts_date() -> None:
    row = managed_features()["aks-app-routing-nginx"]
    assert row.cloud == "azure"
    assert row.support_ends == date(2026, 12, 1)  # supported "through November 2026"
    assert "Gateway API" in row.successor


def test_a_plan_after_november_2026_says_the_nginx_controllers_are_unsupported(
    plan_program, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph, warned = _plan(plan_program, "azure-prod", date(2026, 12, 7), monkeypatch)
    assert graph.of_type(CONTROLLER), "azure-prod exposes services through NGINX controllers"
    assert len(warned) == 1
    assert "ended on 2026-12-01 (6 days before the plan date 2026-12-07)" in warned[0]
    assert "approuting-istio" in warned[0]


def test_a_plan_well_before_the_end_stays_quiet(plan_program, monkeypatch: pytest.MonkeyPatch) -> None:
    _, warned = _plan(plan_program, "azure-prod", date(2026, 6, 1), monkeypatch)
    assert warned == []


def test_a_plan_within_sixty_days_of_the_end_warns_ahead(
    plan_program, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, warned = _plan(plan_program, "azure-prod", date(2026, 11, 1), monkeypatch)
    assert len(warned) == 1
    assert "ends on 2026-12-01 (30 days after the plan date 2026-11-01)" in warned[0]


def test_a_platform_exposing_nothing_creates_no_controller_and_no_warning(
    plan_program, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph, warned = _plan(plan_program, "azure-dev", date(2026, 12, 7), monkeypatch)
    assert not graph.of_type(CONTROLLER)
    assert warned == []
