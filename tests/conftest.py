from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["lepton_infra.plan.testing"]

REPO = Path(__file__).resolve().parent.parent
PLATFORM_STACK_DIR = REPO / "stacks" / "platform"
SHIPPED_STACKS = sorted(
    p.name[len("Pulumi.") : -len(".yaml")] for p in PLATFORM_STACK_DIR.glob("Pulumi.*-*.yaml")
)


@pytest.fixture(scope="session")
def platform_dir() -> Path:
    return PLATFORM_STACK_DIR
