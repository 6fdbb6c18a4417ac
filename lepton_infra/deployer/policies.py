"""Ready least-privilege policies for the deployer, one per cloud, from a plan's `DeployerPlan`:

- AWS: IAM policy documents (customer managed policies; split when one would pass IAM's 6,144-character
  limit for a managed policy), resources scoped to the plan's own names where the action allows it
  (aws.yaml, `scopes`), the once-only actions in their own statement.
- GCP: a custom role definition for `gcloud iam roles create --project P --file role.yaml`, plus what must be
  granted elsewhere (the billing account's budget permissions).
- Azure: a custom role definition for `az role definition create --role-definition @role.json`, assignable
  on the stack's subscription (the stack creates its own resource group).
"""

from __future__ import annotations

import json
import re
from typing import Any

from lepton_infra.deployer.section import DeployerPlan
from lepton_infra.deployer.tables import ArnScope
from lepton_infra.plan.record import PlannedGraph

MANAGED_POLICY_LIMIT = 6144
"""IAM: a customer managed policy's document, whitespace excluded (IAM and STS quotas, read 2026-12-07)."""


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _provider_input(graph: PlannedGraph, package: str, key: str) -> str | None:
    for r in graph.managed:
        if r.type == f"pulumi:providers:{package}" and isinstance(r.inputs.get(key), str):
            return r.inputs[key]
    return None


def _names(graph: PlannedGraph, scope: ArnScope) -> list[str]:
    """The planned names a scope's `{name}` takes: the input, or `<resource name>-*` when auto-named."""
    if scope.names_type is None:
        return [""]
    out = []
    for r in graph.of_type(scope.names_type):
        value = r.inputs.get(scope.names_input or "name")
        out.append(value if isinstance(value, str) and value else f"{r.name}-*")
    return sorted(set(out))


def _arns(graph: PlannedGraph, scope: ArnScope) -> list[str]:
    region = _provider_input(graph, "aws", "region") or "*"
    arns = []
    for name in _names(graph, scope):
        for template in scope.arns:
            if "{name}" in template and not name:
                continue
            arns.append(template.format(partition=_partition(region), region=region, name=name))
    return sorted(set(arns))


def _sid(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text.title())


def aws_policy_documents(plan: DeployerPlan, graph: PlannedGraph) -> list[dict[str, Any]]:
    """The deployer's IAM policy, as few documents as IAM's size limit allows (usually two or three)."""
    needs = plan.needs
    once = set(needs.once)
    statements = _statements(graph, needs.table.scopes, [p for p in needs.permissions if p not in once], "")
    statements += _statements(graph, needs.table.scopes, sorted(once), " needed only once")
    return _split(statements)


def _statements(
    graph: PlannedGraph, scopes: tuple[ArnScope, ...], actions: list[str], tail: str
) -> list[dict[str, Any]]:
    """A statement per scope naming some of `actions` on the plan's ARNs; the rest on `*`, by service."""
    statements: list[dict[str, Any]] = []
    scoped: set[str] = set()
    for scope in scopes:
        chosen = sorted(a for a in actions if a in scope.actions)
        arns = _arns(graph, scope)
        if chosen and arns:
            statements.append(
                {"Sid": _sid(scope.key + tail), "Effect": "Allow", "Action": chosen, "Resource": arns}
            )
            scoped.update(chosen)
    by_service: dict[str, list[str]] = {}
    for action in actions:
        if action not in scoped:
            by_service.setdefault(action.split(":")[0], []).append(action)
    for service, chosen in sorted(by_service.items()):
        statements.append(
            {"Sid": _sid(f"{service} any{tail}"), "Effect": "Allow", "Action": chosen, "Resource": "*"}
        )
    return statements


def _size(statements: list[dict[str, Any]]) -> int:
    text = json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))
    return len(re.sub(r"\s", "", text))


def _split(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pack statements, in order, into documents under the managed-policy limit."""
    documents: list[list[dict[str, Any]]] = [[]]
    for st in statements:
        if documents[-1] and _size([*documents[-1], st]) > MANAGED_POLICY_LIMIT:
            documents.append([])
        documents[-1].append(st)
    return [{"Version": "2012-10-17", "Statement": doc} for doc in documents]


def project_of(graph: PlannedGraph) -> str:
    """The GCP project the plan's provider deploys into (`<project>` when the plan does not say)."""
    return _provider_input(graph, "gcp", "project") or "<project>"


def gcp_custom_role(plan: DeployerPlan, graph: PlannedGraph) -> dict[str, Any]:
    """A project custom role with every project-scoped permission; `billing_account` grants aside."""
    project = project_of(graph)
    needs = plan.needs
    project_perms = [p for p in needs.permissions if needs.scope.get(p, "default") == "default"]
    return {
        "title": f"lepton-infra deployer ({graph.stack})",
        "description": (
            f"Deploys and destroys stack {graph.stack} in project {project}; generated by lepton-infra "
            f"deployer-policy from the permission table read {needs.table.read_on.isoformat()}."
        ),
        "stage": "GA",
        "includedPermissions": project_perms,
    }


def gcp_elsewhere(plan: DeployerPlan) -> dict[str, list[str]]:
    """Permissions granted outside the project (scope -> permissions)."""
    out: dict[str, list[str]] = {}
    for p in plan.needs.permissions:
        scope = plan.needs.scope.get(p, "default")
        if scope != "default":
            out.setdefault(scope, []).append(p)
    return out


def azure_custom_role(plan: DeployerPlan, graph: PlannedGraph) -> dict[str, Any]:
    subscription = _provider_input(graph, "azure-native", "subscriptionId") or "SUBSCRIPTION_ID"
    needs = plan.needs
    return {
        "Name": f"lepton-infra deployer ({graph.stack})",
        "IsCustom": True,
        "Description": (
            f"Deploys and destroys stack {graph.stack}; generated by lepton-infra deployer-policy from the "
            f"permission table read {needs.table.read_on.isoformat()}. The resource-provider registrations "
            "(*/register/action) are needed only once per subscription."
        ),
        "Actions": needs.permissions,
        "NotActions": [],
        "DataActions": [],
        "NotDataActions": [],
        "AssignableScopes": [f"/subscriptions/{subscription}"],
    }
