"""Each cloud guide's deployer figures ("From an empty account") stay equal to the shipped stacks' plans."""

from __future__ import annotations

import re

import pytest

from lepton_infra.deployer.needs import by_service
from lepton_infra.deployer.policies import aws_policy_documents
from lepton_infra.deployer.section import deployer_plan
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.deployer.guide_roles import GUIDES

TABLE = re.compile(r"<!-- deployer-figures[^>]*-->\n(.*?)<!-- /deployer-figures -->", re.S)


def figures(stack: str) -> list[str]:
    cloud = stack.split("-")[0]
    graph = cached_stack_plan(PLATFORM_STACK_DIR, stack)
    plan = deployer_plan(graph, cloud)
    needs = plan.needs
    documents = len(aws_policy_documents(plan, graph)) if cloud == "aws" else 1
    return [
        stack,
        str(len(needs.permissions)),
        str(len(by_service(needs.permissions))),
        str(len(needs.once)),
        str(documents),
    ]


def guide_rows(cloud: str) -> dict[str, list[str]]:
    found = TABLE.search(GUIDES[cloud].read_text(encoding="utf-8"))
    assert found, f"docs/{cloud}.md has no deployer-figures table"
    rows = {}
    for line in found.group(1).splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0]] = cells
    return rows


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_guide_figures_match_the_plan(stack: str) -> None:
    assert guide_rows(stack.split("-")[0]).get(stack) == figures(stack)
