from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.core.kubernetes_versions import PLAN_DATE_ENV

pytest_plugins = ["lepton_infra.plan.testing"]

# The suite judges Kubernetes version support (core/kubernetes_versions.py) at one fixed date, so it gives
# the same answer on any day; a test of another date sets the variable itself (monkeypatch.setenv).
PLAN_DATE = "2026-12-07"
os.environ[PLAN_DATE_ENV] = PLAN_DATE

REPO = Path(__file__).resolve().parent.parent
PLATFORM_STACK_DIR = REPO / "stacks" / "platform"
SHIPPED_STACKS = sorted(
    p.name[len("Pulumi.") : -len(".yaml")] for p in PLATFORM_STACK_DIR.glob("Pulumi.*-*.yaml")
)


@pytest.fixture(scope="session")
def platform_dir() -> Path:
    return PLATFORM_STACK_DIR


def shipped_spec(stack: str) -> dict[str, Any]:
    """A fresh copy of a shipped stack's `lepton:platform` mapping, to change and validate."""
    import yaml

    doc = yaml.safe_load((PLATFORM_STACK_DIR / f"Pulumi.{stack}.yaml").read_text())
    return doc["config"]["lepton:platform"]


def spec_problems(raw: Any) -> dict[str, str]:
    """path -> "why -- fix" of every problem the spec reports for `raw` ({} when it is accepted)."""
    from lepton_infra.core.errors import SpecError
    from lepton_infra.spec import PlatformSpec

    try:
        PlatformSpec.from_dict(raw)
    except SpecError as err:
        return {p.path: f"{p.why} -- {p.fix}" for p in err.problems}
    return {}
