"""The one mechanism for eventual consistency: a grant (an IAM binding, an Azure role assignment, an EKS
access policy) or a service agent created in the same `up` is not effective the moment its create call
returns. Every first use of it waits a bounded, sourced time after it exists: `wait_for(...)` returns a
`time:index/sleep:Sleep` (pulumiverse-time) that depends on the grants, and the user depends on the Sleep.

The Sleep waits on create only (and when `triggers` change): later `up`s do not wait again. A grant that
is replaced (a new principal) changes the trigger, so the first use of the new grant waits too.

`GRANT_TYPES` names, by type token, what counts as a grant; `USES` the resource types whose create call
is authorized with (or validated against) a grant that its inputs depend on. The whole-plan invariant
(tests/invariants/test_propagation_invariants.py) reads both: any use whose dependencies (its own, or its
provider's) include a fresh grant must also depend on a Sleep that depends on that grant.
SDK-free apart from pulumiverse-time: type tokens are strings, so the invariant and the plan read them."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumiverse_time as time

WAIT_TYPE = "time:index/sleep:Sleep"


@dataclass(frozen=True)
class Propagation:
    """How long a kind of grant takes to become effective, and the source of that figure."""

    seconds: int
    source: str
    read_on: str


# Bounded waits. Each is the documented typical or upper figure; where the documented upper bound is
# open-ended ("7 minutes or longer"), the wait is the figure the docs call typical plus a margin, and a
# rerun of `up` is the documented recovery. Cost: the first `up` only (a Sleep waits once).
PROPAGATION: dict[str, Propagation] = {
    # Allow-policy changes: "typically 2 minutes, potentially 7 minutes or longer".
    "gcp-iam": Propagation(
        180,
        "cloud.google.com/iam/docs/access-change-propagation (Change a policy: typically 2 minutes)",
        "2026-12-07",
    ),
    # A Google-managed service agent created on request (ServiceIdentity) before anything grants it a role:
    # IAM refuses a binding naming an account it does not know yet. No documented figure: an estimate,
    # within the IAM propagation time above.
    "gcp-agent": Propagation(
        60,
        "estimate; GoogleCloudPlatform/gke-enterprise-mt#2 (service agent missing right after enablement)",
        "2026-12-07",
    ),
    # AKS Azure RBAC for Kubernetes authorization: "New role assignments can take up to five minutes
    # to propagate and be updated by the authorization server."
    "azure-aks-rbac": Propagation(
        300,
        "learn.microsoft.com/azure/aks/manage-azure-rbac (Before you begin: up to five minutes)",
        "2026-12-07",
    ),
    # Azure RBAC on a Key Vault key (data plane): ARM caches assignments; Key Vault's RBAC guide gives
    # up to 10 minutes for assignment changes to apply. The CMK users read the key through the identity's
    # assignment at create time (storage account, registry, disk encryption set).
    "azure-rbac": Propagation(
        300,
        "learn.microsoft.com/azure/key-vault/general/rbac-guide (assignment changes up to 10 minutes); "
        "Azure/devops-governance#22 (Key Vault RBAC propagation breaks runs)",
        "2026-12-07",
    ),
    # EKS access entries and access policy associations: IAM-backed authentication of a principal that
    # was just given access; AWS documents IAM changes as eventually consistent (seconds, typically).
    "aws-iam": Propagation(
        30,
        "docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html (changes are eventually "
        "consistent; IAM replicates across Regions)",
        "2026-12-07",
    ),
}

# Grant type -> its propagation kind. Only grants with a create-time user in the same plan matter here;
# grants used by pods at run time (workload identity) are retried by their clients.
GRANT_TYPES: dict[str, str] = {
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": "gcp-iam",
    "gcp:projects/serviceIdentity:ServiceIdentity": "gcp-iam",
    "azure-native:authorization:RoleAssignment": "azure-rbac",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": "aws-iam",
    "aws:eks/accessEntry:AccessEntry": "aws-iam",
}

# Resource types whose create call is checked against a grant they depend on: the CMEK users (the service
# agent or identity must be able to use the key when the resource is created), and every provider whose
# credentials are the grant (the Kubernetes provider of a cluster whose admin access was just granted).
USES: frozenset[str] = frozenset(
    {
        "gcp:container/cluster:Cluster",
        "gcp:container/nodePool:NodePool",
        "gcp:storage/bucket:Bucket",
        "gcp:artifactregistry/repository:Repository",
        "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",  # names a service agent that must exist
        "azure-native:storage:StorageAccount",
        "azure-native:containerregistry:Registry",
        "azure-native:compute:DiskEncryptionSet",
        "azure-native:containerservice:ManagedCluster",
        "pulumi:providers:kubernetes",
    }
)


def wait_for(name: str, grants: Sequence[pulumi.Resource], kind: str, parent: pulumi.Resource) -> time.Sleep:
    """A Sleep of the kind's bounded time that starts once every grant exists. Depend on it (or on an
    Output carrying its id) from each first use of the grants. `triggers` holds the grants' ids, so a
    replaced grant waits again."""
    wait = PROPAGATION[kind]
    ids = [g.id for g in grants if isinstance(g, pulumi.CustomResource)]
    return time.Sleep(
        name,
        create_duration=f"{wait.seconds}s",
        triggers={str(i): grant_id for i, grant_id in enumerate(ids)},
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(grants), provider=_provider(parent)),
    )


# One explicit `time` provider per component that waits (`pulumi:disable-default-providers` may be on).
_PROVIDERS: weakref.WeakKeyDictionary[pulumi.Resource, time.Provider] = weakref.WeakKeyDictionary()


def _provider(parent: pulumi.Resource) -> time.Provider:
    if parent not in _PROVIDERS:
        parent_name = str(getattr(parent, "name", None) or parent._name)
        _PROVIDERS[parent] = time.Provider(f"{parent_name}-time", opts=pulumi.ResourceOptions(parent=parent))
    return _PROVIDERS[parent]


def after(value: pulumi.Input[str], wait: pulumi.Resource) -> pulumi.Output[str]:
    """`value`, resolved only once `wait` is done: a resource that takes it as an input depends on the
    Sleep without `depends_on` plumbing."""
    assert isinstance(wait, pulumi.CustomResource)
    return pulumi.Output.all(value, wait.id).apply(lambda v: str(v[0]))
