"""The deployer roles each cloud guide tells users to grant, read from the guide's marked table:

    <!-- deployer-roles -->
    | where | grant |
    |---|---|
    | project | `roles/container.admin` |
    | project | custom role: `dns.managedZones.getIamPolicy`, `dns.managedZones.setIamPolicy` |
    <!-- /deployer-roles -->

A `custom role` row grants exactly the permissions it names; any other row names one built-in role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lepton_infra.deployer.roles import grants

REPO = Path(__file__).resolve().parents[2]
GUIDES = {
    "aws": REPO / "docs" / "aws.md",
    "gcp": REPO / "docs" / "gcp.md",
    "azure": REPO / "docs" / "azure.md",
}
TABLE = re.compile(r"<!-- deployer-roles -->\n(.*?)<!-- /deployer-roles -->", re.S)


@dataclass
class GuideGrants:
    roles: dict[str, list[str]] = field(default_factory=dict)
    """where -> built-in roles"""
    custom: dict[str, set[str]] = field(default_factory=dict)
    """where -> permissions of the custom roles the guide defines"""

    def missing(self, cloud: str, where: str, permissions: list[str]) -> list[str]:
        roles, custom = self.roles.get(where, []), self.custom.get(where, set())
        return [p for p in permissions if p not in custom and not any(grants(cloud, r, p) for r in roles)]


def guide_grants(text: str) -> GuideGrants:
    found = TABLE.search(text)
    if found is None:
        raise AssertionError("no <!-- deployer-roles --> table in the guide")
    out = GuideGrants()
    for line in found.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("where", "") or set(cells[0]) <= {"-"}:
            continue
        where, grant = cells
        names = re.findall(r"`([^`]+)`", grant)
        if grant.startswith("custom role"):
            out.custom.setdefault(where, set()).update(names)
        else:
            out.roles.setdefault(where, []).extend(names)
    return out


def read_guide(cloud: str) -> GuideGrants:
    return guide_grants(GUIDES[cloud].read_text(encoding="utf-8"))
