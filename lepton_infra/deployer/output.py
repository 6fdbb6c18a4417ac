"""What `lepton-infra deployer-policy` writes: the policy files per cloud, the built-in roles alternative, or
the report's `deployer` section, each as text ready to hand to the cloud's CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TextIO

import yaml

from lepton_infra.deployer.policies import (
    aws_policy_documents,
    azure_custom_role,
    gcp_custom_role,
    gcp_elsewhere,
    project_of,
)
from lepton_infra.deployer.section import deployer_plan, deployer_section
from lepton_infra.plan.record import PlannedGraph


class PolicyFormat(StrEnum):
    policy = (
        "policy"  # the cloud's own policy format: IAM JSON, a GCP custom role (YAML), an Azure role (JSON)
    )
    roles = "roles"  # the smallest set of built-in roles, with the commands to grant them
    json = "json"  # the report's `deployer` section


@dataclass(frozen=True)
class PolicyFile:
    """One file to write: its text and, for AWS's split policies, the suffix its name takes (`-2`)."""

    text: str
    suffix: str = ""


def policy_files(graph: PlannedGraph, cloud: str, fmt: PolicyFormat) -> tuple[list[PolicyFile], list[str]]:
    """(files, notes for the person running it: how to use what was written)."""
    if fmt is PolicyFormat.json:
        section = deployer_section(graph, cloud) or {}
        public = {k: v for k, v in section.items() if not k.startswith("__")}
        return [PolicyFile(json.dumps(public, indent=2) + "\n")], []
    if fmt is PolicyFormat.roles:
        return [PolicyFile(_roles_text(graph, cloud))], []
    plan = deployer_plan(graph, cloud)
    if cloud == "aws":
        docs = aws_policy_documents(plan, graph)
        files = [
            PolicyFile(json.dumps(doc, indent=2) + "\n", f"-{i}" if len(docs) > 1 else "")
            for i, doc in enumerate(docs, start=1)
        ]
        notes = [
            f"{len(docs)} customer managed polic{'y' if len(docs) == 1 else 'ies'} (IAM allows 6,144 "
            "characters in one): aws iam create-policy --policy-name <name> --policy-document "
            "file://<file>, then attach each to the deploying role",
        ]
        return files, notes
    if cloud == "gcp":
        role = gcp_custom_role(plan, graph)
        project = project_of(graph)
        header = [
            f"# gcloud iam roles create lepton_deployer --project {project} --file <this file>",
            f"# then: gcloud projects add-iam-policy-binding {project} --member <deployer> "
            f"--role projects/{project}/roles/lepton_deployer",
        ]
        for scope, perms in gcp_elsewhere(plan).items():
            header.append(
                f"# also on the {scope.replace('_', ' ')}: {', '.join(perms)} (roles/billing.costsManager)"
            )
        body = yaml.safe_dump(role, sort_keys=False, width=100)
        return [PolicyFile("\n".join(header) + "\n" + body)], []
    role = azure_custom_role(plan, graph)
    notes = [
        "az role definition create --role-definition @<file>, then az role assignment create --assignee "
        f"<deployer> --role '{role['Name']}' --scope {role['AssignableScopes'][0]}",
    ]
    return [PolicyFile(json.dumps(role, indent=2) + "\n")], notes


def _roles_text(graph: PlannedGraph, cloud: str) -> str:
    section = deployer_section(graph, cloud) or {}
    roles = section.get("built_in_roles", {})
    lines = [f"# Built-in roles that cover the deployer of {graph.stack} ({roles.get('source', '')})"]
    for scope, chosen in roles.get("roles", {}).items():
        lines.append(f"{scope}:")
        lines.extend(f"  - {r}" for r in chosen)
    if roles.get("not_granted"):
        lines.append(f"not granted by any built-in role here: {', '.join(roles['not_granted'])}")
    return "\n".join(lines) + "\n"


def output_paths(output: Path, files: list[PolicyFile]) -> list[Path]:
    """`deployer.json` -> `deployer.json`, or `deployer-1.json`, `deployer-2.json` for split policies."""
    return [output.with_name(f"{output.stem}{f.suffix}{output.suffix}") for f in files]


def write_policy_files(files: list[PolicyFile], output: Path | None, stdout: TextIO) -> list[Path]:
    """Write to `output` (one file per part), or to `stdout` (split AWS policies as one JSON array).
    Returns the paths written; an OSError names the file it could not write."""
    if output is None:
        texts = [f.text.rstrip() for f in files]
        stdout.write(texts[0] + "\n" if len(texts) == 1 else "[\n" + ",\n".join(texts) + "\n]\n")
        stdout.flush()
        return []
    paths = output_paths(output, files)
    for path, f in zip(paths, files, strict=True):
        path.write_text(f.text, encoding="utf-8")
    return paths
