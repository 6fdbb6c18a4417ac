"""The Google-managed service agents that encrypt with the platform key, made to exist before the key grants
name them, and the key made usable only once those grants have propagated (core/propagation.py).

On a fresh project the GKE and Compute Engine agents are created lazily, some time after their API is
enabled: a `CryptoKeyIAMMember` naming `service-<n>@container-engine-robot…` right after enablement fails
with "Service account … does not exist" (GoogleCloudPlatform/gke-enterprise-mt#2, read 2026-12-07).
`ServiceIdentity` (serviceusage v1beta1 `services.generateServiceIdentity`) creates the agent on request;
a bounded wait then lets it reach IAM before it is granted anything."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.naming import child_name
from lepton_infra.core.propagation import after, wait_for
from lepton_infra.gcp.planning import service_agent

# Encrypter role name (EncryptionKey's binding suffix) -> the API whose agent it is, and the agent's
# domain key in planning.service_agent. The registry's agent exists only once requested; GKE's and
# Compute's "once the API is on", which on a fresh project means some time later.
AGENT_APIS: dict[str, tuple[str, str]] = {
    "gke": ("container.googleapis.com", "container"),
    "compute": ("compute.googleapis.com", "compute"),
    "registry": ("artifactregistry.googleapis.com", "artifactregistry"),
}
# With the shared filesystem (gcp/filesystem.py): Filestore encrypts each instance with the platform key.
FILESTORE_AGENT = {"filestore": ("file.googleapis.com", "filestore")}


def key_encrypters(
    name: str,
    project: pulumi.Input[str],
    number: pulumi.Output[str],
    storage_agent: pulumi.Input[str],
    parent: pulumi.Resource,
    opts: Callable[[], pulumi.ResourceOptions],
    filestore: bool = False,
) -> dict[str, pulumi.Input[str]]:
    """Encrypter role -> member, each agent created (ServiceIdentity) and given time to propagate before a
    grant names it. Cloud Storage's agent is created by the `get_project_service_account` invoke. With
    `filestore` (the shared filesystem), Filestore's agent too."""
    agents = {**AGENT_APIS, **(FILESTORE_AGENT if filestore else {})}
    identities = {
        role: gcp.projects.ServiceIdentity(
            child_name(name, f"{role}-agent"), project=project, service=api, opts=opts()
        )
        for role, (api, _) in agents.items()
    }
    settled = wait_for(child_name(name, "agents-settle"), list(identities.values()), "gcp-agent", parent)
    members: dict[str, pulumi.Input[str]] = {
        # The member is written from the project number (generateServiceIdentity does not return an
        # email for every API), resolved only after the agent exists and the wait is over.
        role: after(number.apply(lambda n, key=key: service_agent(str(n), key)), settled)
        for role, (_, key) in agents.items()
    }
    members["storage"] = storage_agent
    return members


def usable_key(
    name: str, key_id: pulumi.Output[str], grants: list[pulumi.Resource], parent: pulumi.Resource
) -> pulumi.Output[str]:
    """The key id, resolved only once the key grants have propagated: the cluster (database encryption), node
    pools (boot disks), bucket and registry are created with a key their agent can already use."""
    return after(key_id, wait_for(child_name(name, "key-grants-settle"), grants, "gcp-iam", parent))
