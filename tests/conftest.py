from __future__ import annotations

from pathlib import Path
from typing import Any

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


def spec_problems(raw: Any) -> dict[str, str]:
    """path -> "why -- fix" of every problem the spec reports for `raw` ({} when it is accepted)."""
    from lepton_infra.core.errors import SpecError
    from lepton_infra.spec import PlatformSpec

    try:
        PlatformSpec.from_dict(raw)
    except SpecError as err:
        return {p.path: f"{p.why} -- {p.fix}" for p in err.problems}
    return {}
