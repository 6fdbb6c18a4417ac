"""Defaults that depend on `environment`, in one table: the validator fills them in and the generated
spec reference prints them, so the two cannot disagree.

A row names a dotted path under `lepton:platform` and its value per environment. Cloud-only rows live
beside each cloud's knobs (profiles/<cloud>/knobs.py: ENVIRONMENT_DEFAULTS) and apply only when the spec's
cloud is that cloud; `environment_defaults()` reads them all.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from lepton_infra.core.env_defaults import ENVIRONMENTS, EnvDefault
from lepton_infra.profiles.aws.knobs import ENVIRONMENT_DEFAULTS as AWS_DEFAULTS
from lepton_infra.profiles.azure.knobs import ENVIRONMENT_DEFAULTS as AZURE_DEFAULTS
from lepton_infra.profiles.gcp.knobs import ENVIRONMENT_DEFAULTS as GCP_DEFAULTS

# Cheap in dev and staging, resilient and locked down in prod.
GENERIC_DEFAULTS: tuple[EnvDefault, ...] = (
    EnvDefault("network.zones", 2, 2, 3),
    EnvDefault("network.nat", "single", "single", "per-zone"),
    EnvDefault("cluster.endpoint", "public", "public", "private"),
    # One replica of each HA system pod in dev: 1 vCPU less to request on the system pool (ClusterSpec).
    EnvDefault("cluster.system_replicas", 1, 3, 3),
    # Less CPU requested by the KEDA HTTP add-on in dev: 450m, what azure-dev's one system node needs.
    EnvDefault("cluster.trim_system_requests", True, False, False),
    EnvDefault("protect", False, False, True),
)


def environment_defaults() -> tuple[EnvDefault, ...]:
    """The generic rows and every cloud's rows."""
    return GENERIC_DEFAULTS + AWS_DEFAULTS + GCP_DEFAULTS + AZURE_DEFAULTS


def default_for(path: str) -> EnvDefault | None:
    return next((row for row in environment_defaults() if row.path == path), None)


def apply_environment_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of raw spec data with every unset environment-dependent value filled in, in a nested mapping
    or a nested model alike. Nothing is filled when `environment` is not a known one (that is reported as
    its own problem)."""
    environment = data.get("environment")
    if environment not in ENVIRONMENTS:
        return data
    out = dict(data)
    for row in environment_defaults():
        if row.cloud is not None and data.get("cloud") != row.cloud:
            continue
        *parents, leaf = row.path.split(".")
        node = out
        for part in parents:
            child = node.get(part)
            if child is None:
                child = {}
            elif isinstance(child, BaseModel):  # a block given as a model (`cluster=ClusterSpec(...)`)
                child = child.model_dump(exclude_unset=True)  # its unset fields are filled like a mapping's
            elif not isinstance(child, dict):
                break  # not a mapping: left for validation to report
            node[part] = child = dict(child)
            node = child
        else:
            if node.get(leaf) is None:
                node[leaf] = row.value(environment)
    return out
