"""Defaults that depend on `environment`: one row per dotted path under `lepton:platform`, with its value
per environment. The generic rows (spec/defaults.py) and each cloud's (its profile) are declared with it;
the spec's validator fills them in and the generated spec reference prints them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

ENVIRONMENTS = ("dev", "staging", "prod")


@dataclass(frozen=True)
class EnvDefault:
    path: str  # dotted, e.g. "network.zones"
    dev: Any
    staging: Any
    prod: Any
    cloud: str | None = None  # set for a cloud knob: applies only on that cloud

    def value(self, environment: str) -> Any:
        return getattr(self, environment)

    def describe(self) -> str:
        """`dev/staging: 2, prod: 3`: environments with the same value share one entry."""
        groups: dict[str, list[str]] = {}
        for env in ENVIRONMENTS:
            groups.setdefault(_show(self.value(env)), []).append(env)
        return ", ".join(f"{'/'.join(envs)}: {shown}" for shown, envs in groups.items())


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def filled(value: T | None, path: str) -> T:
    """A value the environment defaults always fill (spec/defaults.py, which the validator
    runs): unset only on a spec that never went through validation."""
    if value is None:
        raise ValueError(f"{path} is unset: resolve a validated spec (PlatformSpec.from_dict)")
    return value
