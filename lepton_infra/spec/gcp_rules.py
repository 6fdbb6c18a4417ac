"""GCP-only rules of `PlatformSpec`: what GKE would accept and then silently ignore."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.spec.checks import rule

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

# A Google Group's address (Cloud Identity / Workspace): what GKE passes to RBAC as the Group name.
_GROUP_EMAIL = re.compile(r"^[a-z0-9][a-z0-9._+-]*@[a-z0-9-]+(\.[a-z0-9-]+)+$")


@rule("cloud", "gcp", "tenants")
def gcp_rbac_groups(spec: PlatformSpec) -> Iterator[Problem]:
    """Google Groups for RBAC (GKE docs): a Group subject reaches RBAC only when the cluster names
    `gke-security-groups@<domain>` in authenticatorGroupsConfig and the subject is the group's e-mail.
    Anything else binds a group nobody carries."""
    if spec.cloud != "gcp" or spec.gcp is None:
        return
    security_group = spec.gcp.rbac_security_group
    for i, tenant in enumerate(spec.tenants):
        for j, admin in enumerate(tenant.admins):
            path = f"tenants[{i}].admins[{j}]"
            if not _GROUP_EMAIL.match(admin):
                yield Problem(path, admin, "on GKE an admin group is a Google Group's e-mail address",
                              "give the group's address, e.g. research-admins@acme.dev")
            elif security_group is None:
                yield Problem(path, admin, "GKE passes Google Groups to RBAC only with "
                              "gcp.rbac_security_group set (Google Groups for RBAC)",
                              "set gcp.rbac_security_group: gke-security-groups@<your domain> and make "
                              "this group a member of it")
