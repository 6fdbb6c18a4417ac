"""The deployer's permission tables (deployer/data/<cloud>.yaml, kubernetes.yaml): per Pulumi resource
type and operation, the cloud permissions `pulumi up` and `pulumi destroy` need, each row with its source
and the date it was read. SDK-free: rows are keyed by type token, never by an SDK class."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from lepton_infra.core.yaml_table import read_table

CLOUDS = ("aws", "gcp", "azure")
OPERATIONS = ("create", "read", "update", "delete")
"""What `up` (create, then read; update, read) and `destroy` (delete) ask of each resource type."""
PACKAGES = {"aws": "aws", "gcp": "gcp", "azure": "azure-native"}
"""The Pulumi package (first part of a type token) each cloud's table covers."""


class TableError(ValueError):
    """A permission table that breaks its own format: a packaging bug, never user input."""


@dataclass(frozen=True)
class Row:
    """One resource type (or invoke, or the provider itself): its permissions per operation."""

    token: str
    source: str
    read_on: date
    permissions: Mapping[str, tuple[str, ...]]
    """operation -> permissions; invokes and the provider use the one operation `read`."""
    once: frozenset[str] = frozenset()
    """Of this row's permissions, those needed only the first time (a service-linked role, an API)."""
    when_set: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Input path -> extra permissions (on create, update and delete) when the resource sets that input."""
    scope: str = "default"
    """Where the permissions are granted: the cloud's default (AWS account, GCP project, Azure
    subscription) or `billing_account` (GCP budgets)."""


@dataclass(frozen=True)
class ArnScope:
    """AWS: ARN templates for a group of actions, filled from the plan (see aws.yaml, `scopes`)."""

    key: str
    arns: tuple[str, ...]
    actions: frozenset[str]
    names_type: str | None = None
    names_input: str | None = None


@dataclass(frozen=True)
class PermissionTable:
    cloud: str
    read_on: date
    sources: Mapping[str, str]
    types: Mapping[str, Row]
    invokes: Mapping[str, Row]
    provider: Row | None
    scopes: tuple[ArnScope, ...] = ()


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    raise TableError(f"{where}: read_on must be a date, got {value!r}")


def _perms(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise TableError(f"{where}: expected a list of permissions, got {value!r}")
    return tuple(value)


def _row(token: str, raw: Mapping[str, Any], ops: tuple[str, ...]) -> Row:
    if not isinstance(raw.get("source"), str) or not raw["source"].strip():
        raise TableError(f"{token}: no source")
    missing = [op for op in ops if op not in raw]
    if missing:
        raise TableError(
            f"{token}: no row for {', '.join(missing)} (write [] where the operation calls nothing)"
        )
    permissions = {op: _perms(raw[op], f"{token}.{op}") for op in ops}
    once = frozenset(_perms(raw.get("once"), f"{token}.once"))
    every = {p for perms in permissions.values() for p in perms}
    if not once <= every:
        raise TableError(f"{token}: once names {sorted(once - every)}, which no operation needs")
    when_set = {str(k): _perms(v, f"{token}.when_set.{k}") for k, v in (raw.get("when_set") or {}).items()}
    return Row(
        token=token,
        source=" ".join(raw["source"].split()),
        read_on=_date(raw.get("read_on"), token),
        permissions=permissions,
        once=once,
        when_set=when_set,
        scope=str(raw.get("scope", "default")),
    )


def _invoke_row(token: str, raw: Mapping[str, Any]) -> Row:
    return _row(token, {**raw, "read": raw.get("permissions")}, ("read",))


def _scopes(raw: Mapping[str, Any] | None) -> tuple[ArnScope, ...]:
    out = []
    for key, body in (raw or {}).items():
        names = body.get("names") or {}
        out.append(
            ArnScope(
                key=key,
                arns=tuple(body["arns"]),
                actions=frozenset(body["actions"]),
                names_type=names.get("type"),
                names_input=names.get("input"),
            )
        )
    return tuple(out)


def _load(name: str) -> dict[str, Any]:
    text = resources.files("lepton_infra.deployer").joinpath("data", name).read_text(encoding="utf-8")
    return read_table(text)


@cache
def permission_table(cloud: str) -> PermissionTable:
    if cloud not in CLOUDS:
        raise TableError(f"no permission table for cloud {cloud!r}")
    raw = _load(f"{cloud}.yaml")
    provider = raw.get("provider")
    return PermissionTable(
        cloud=cloud,
        read_on=_date(raw.get("read_on"), f"{cloud}.yaml"),
        sources=dict(raw.get("sources") or {}),
        types={token: _row(token, body, OPERATIONS) for token, body in (raw.get("types") or {}).items()},
        invokes={token: _invoke_row(token, body) for token, body in (raw.get("invokes") or {}).items()},
        provider=_invoke_row(f"pulumi:providers:{PACKAGES[cloud]}", provider) if provider else None,
        scopes=_scopes(raw.get("scopes")),
    )


@dataclass(frozen=True)
class Kind:
    """A Kubernetes type the provider writes: its API group and resource, and GKE's IAM name for it."""

    token: str
    group: str
    resource: str
    namespaced: bool
    gke: str
    source: str
    read_on: date


@dataclass(frozen=True)
class AwaitRule:
    group: str
    resource: str
    verbs: tuple[str, ...]
    gke: str


@dataclass(frozen=True)
class ClusterAdminKind:
    """A type that needs cluster-admin (a Helm release): why, and the GKE permissions that stand for it."""

    token: str
    source: str
    read_on: date
    why: str
    gke: tuple[str, ...]


@dataclass(frozen=True)
class KubernetesTable:
    read_on: date
    sources: Mapping[str, str]
    verbs: Mapping[str, tuple[str, ...]]
    gke_verbs: Mapping[str, str]
    kinds: Mapping[str, Kind]
    awaits: Mapping[str, tuple[AwaitRule, ...]]
    cluster_admin: Mapping[str, ClusterAdminKind]


@cache
def kubernetes_table() -> KubernetesTable:
    raw = _load("kubernetes.yaml")
    awaits_raw = {k: v for k, v in (raw.get("awaits") or {}).items() if k.startswith("kubernetes:")}
    return KubernetesTable(
        read_on=_date(raw.get("read_on"), "kubernetes.yaml"),
        sources=dict(raw.get("sources") or {}),
        verbs={op: _perms(raw["verbs"][op], f"verbs.{op}") for op in OPERATIONS},
        gke_verbs=dict(raw["gke_verbs"]),
        kinds={
            token: Kind(
                token=token,
                group=str(body["group"]),
                resource=body["resource"],
                namespaced=bool(body["namespaced"]),
                gke=body["gke"],
                source=body["source"],
                read_on=_date(body.get("read_on"), token),
            )
            for token, body in raw["kinds"].items()
        },
        awaits={
            token: tuple(
                AwaitRule(str(r["group"]), r["resource"], tuple(r["verbs"]), r["gke"]) for r in rules
            )
            for token, rules in awaits_raw.items()
        },
        cluster_admin={
            token: ClusterAdminKind(
                token=token,
                source=" ".join(body["source"].split()),
                read_on=_date(body.get("read_on"), token),
                why=" ".join(body["why"].split()),
                gke=_perms(body.get("gke"), f"{token}.gke"),
            )
            for token, body in raw["cluster_admin"].items()
        },
    )
