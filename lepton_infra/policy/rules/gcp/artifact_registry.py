"""Artifact Registry rules: customer-managed keys, repository hygiene."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import NotApplicable, ResourceView, Severity
from lepton_infra.policy.props import (
    UNKNOWN,
    as_bool,
    is_set,
    is_unknown,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.gcp.tokens import GCP, REPOSITORY


@resource_rule(
    id="lepton-gcp-artifact-registry-cmk",
    title="Artifact Registry repositories use our KMS key",
    severity=Severity.MEDIUM,
    types=(REPOSITORY,),
    clouds=GCP,
    description="`kmsKeyName` is set.",
    remediation="Set `kms_key_name=key.id` (the Artifact Registry service agent needs the key).",
)
def artifact_registry_cmk(r: ResourceView) -> Iterator[str]:
    if not is_set(r.get("kmsKeyName")):
        yield "kmsKeyName is not set"


@resource_rule(
    id="lepton-gcp-artifact-registry-hygiene",
    title="Docker repositories have immutable tags and scanning",
    severity=Severity.MEDIUM,
    types=(REPOSITORY,),
    clouds=GCP,
    description="DOCKER repositories set `dockerConfig.immutableTags` and do not disable vulnerability "
    "scanning (`vulnerabilityScanningConfig.enablementConfig` DISABLED).",
    remediation="Set `docker_config=...(immutable_tags=True)`; leave scanning INHERITED (and enable the "
    "containerscanning API on the project).",
)
def artifact_registry_hygiene(r: ResourceView) -> Iterator[str]:
    if r.get("format", "DOCKER") not in ("DOCKER", UNKNOWN):
        raise NotApplicable(f"a {r.get('format')} repository")
    immutable = r.get("dockerConfig.immutableTags")
    if not is_unknown(immutable) and as_bool(immutable) is not True:
        yield "dockerConfig.immutableTags is not true: a tag can be overwritten"
    if r.get("vulnerabilityScanningConfig.enablementConfig") == "DISABLED":
        yield "vulnerability scanning is disabled"
