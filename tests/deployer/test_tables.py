"""The permission tables themselves: every row sourced and dated, every permission a real one (AWS: in
parliament's copy of the Service Authorization Reference; GCP: granted by some published predefined role;
Azure: an operation's shape), and every type the shipped stacks create has a row for every operation
`up` and `destroy` use."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import parliament
import pytest

from lepton_infra.deployer.roles import role_data
from lepton_infra.deployer.tables import (
    CLOUDS,
    OPERATIONS,
    PACKAGES,
    Row,
    TableError,
    _row,
    kubernetes_table,
    permission_table,
)
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLAN_DATE, PLATFORM_STACK_DIR, SHIPPED_STACKS

TODAY = date.fromisoformat(PLAN_DATE)
# A row read after the suite's fixed plan date is fine; one dated in the future is not.
READ_BY = max(TODAY, date.today())


def _rows(cloud: str) -> list[Row]:
    table = permission_table(cloud)
    return [*table.types.values(), *table.invokes.values(), *([table.provider] if table.provider else [])]


def _permissions(row: Row) -> set[str]:
    return {p for perms in (*row.permissions.values(), *row.when_set.values()) for p in perms}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_row_has_a_source_and_a_read_date(cloud: str) -> None:
    for row in _rows(cloud):
        assert row.source.strip() and row.read_on <= READ_BY, row.token
    for kind in kubernetes_table().kinds.values():
        assert kind.source and kind.read_on <= READ_BY, kind.token


def test_aws_actions_exist_in_the_service_authorization_reference() -> None:
    definition = json.loads((Path(parliament.__file__).parent / "iam_definition.json").read_text())
    known = {f"{s['prefix']}:{p['privilege']}".lower() for s in definition for p in s["privileges"]}
    table = permission_table("aws")
    used = set().union(*(_permissions(r) for r in _rows("aws")), *(s.actions for s in table.scopes))
    assert sorted(a for a in used if a.lower() not in known) == []


def test_gcp_permissions_exist_in_some_predefined_role() -> None:
    """A permission no published role holds is a typo (or not a permission at all)."""
    published = {p for role in role_data("gcp").roles.values() for p in role["permissions"]}
    used = set().union(*(_permissions(r) for r in _rows("gcp")))
    used |= {p for k in kubernetes_table().cluster_admin.values() for p in k.gke}
    assert sorted(used - published) == []


def test_azure_actions_have_the_operation_shape() -> None:
    shape = re.compile(r"^Microsoft\.[A-Za-z]+(/[A-Za-z0-9.]+)*/(read|write|delete|action)$")
    used = set().union(*(_permissions(r) for r in _rows("azure")))
    assert sorted(a for a in used if not shape.match(a)) == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_planned_type_and_invoke_has_rows(stack: str) -> None:
    """A new resource type (or data source, or Kubernetes kind) without permission rows fails here."""
    cloud = stack.split("-")[0]
    graph = cached_stack_plan(PLATFORM_STACK_DIR, stack)
    table, kube = permission_table(cloud), kubernetes_table()
    missing = set()
    for r in graph.managed:
        if not r.custom or r.is_provider:
            continue
        if r.package == PACKAGES[cloud]:
            row = table.types.get(r.type)
            if row is None or any(op not in row.permissions for op in OPERATIONS):
                missing.add(r.type)
        elif r.package == "kubernetes":
            if r.type not in kube.kinds and r.type not in kube.cluster_admin:
                missing.add(r.type)
        elif r.type == "time:index/sleep:Sleep":
            continue  # a propagation wait (core/propagation.py): a local timer, no API call, no permission
        else:
            missing.add(r.type)  # a package no table covers
    missing |= {i.token for i in graph.invokes if i.token not in table.invokes}
    assert sorted(missing) == []


def test_a_row_without_an_operation_is_refused() -> None:
    with pytest.raises(TableError, match="no row for delete"):
        _row(
            "aws:x/y:Z",
            {"source": "s", "read_on": TODAY, "create": [], "read": [], "update": []},
            OPERATIONS,
        )


def test_once_must_name_a_permission_the_row_needs() -> None:
    with pytest.raises(TableError, match="once names"):
        _row(
            "aws:x/y:Z",
            {
                "source": "s",
                "read_on": TODAY,
                "create": ["a:B"],
                "read": [],
                "update": [],
                "delete": [],
                "once": ["a:C"],
            },
            OPERATIONS,
        )
