"""The `gcp:` block of the spec: settings that have no cloud-agnostic meaning. Only the chosen cloud's
block may be set."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from lepton_infra.core.env_defaults import EnvDefault
from lepton_infra.core.spec_model import SpecModel, described

CloudDnsZoneName = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$",
            "a Cloud DNS managed zone name: up to 63 lowercase letters, digits and "
            "hyphens, starting with a letter",
        )
    ),
]


class GcpKnobs(SpecModel):
    project: Annotated[
        str,
        StringConstraints(
            pattern=described(
                r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$",
                "a GCP project id: 6 to 30 lowercase letters, digits and hyphens, "
                "starting with a letter and not ending with a hyphen",
            )
        ),
    ] = Field(description="GCP project id.")
    billing_account: (
        Annotated[
            str,
            StringConstraints(
                pattern=described(
                    r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$",
                    "a billing account id: three groups of 6 uppercase hex digits, `XXXXXX-XXXXXX-XXXXXX`",
                )
            ),
        ]
        | None
    ) = Field(
        default=None,
        description="Billing account id (XXXXXX-XXXXXX-XXXXXX) for the budget. "
        "Required when `budget` is set.",
    )
    zones: list[
        Annotated[
            str,
            StringConstraints(
                pattern=described(r"^[a-z]+-[a-z]+[0-9]+-[a-z]$", "a GCP zone name, e.g. `us-central1-a`")
            ),
        ]
    ] = Field(
        default_factory=list,
        description="The zones the nodes run in, pinned: exactly `network.zones` zones of `region`, no "
        "repeats (a zonal cluster outside prod has its control plane in the first). A GPU pool uses those "
        "of them whose live machine-type list has its machine. Checked against the region's zones at plan "
        "time; a zone that is briefly DOWN moves nothing. Empty (default): the first `network.zones` zones "
        "of the region that are UP at the first `pulumi up`, then kept (later runs ignore changes to the "
        "cluster's location and node locations); the stack output `zones` names them, to copy here. GPU "
        "pools always keep the zones they were created in (a pool moves only when replaced, e.g. renamed).",
    )
    release_channel: Literal["RAPID", "REGULAR", "STABLE", "EXTENDED"] | None = Field(
        default=None,
        description="GKE release channel: which minors the cluster can be created at and how fast GKE "
        "upgrades it. Default: REGULAR, or EXTENDED with `cluster.support: extended` (EXTENDED is GKE's "
        "paid extended support, so it goes with that opt-in only). `cluster.version` must be a minor the "
        "channel offers (core/data/kubernetes_versions.yaml lists them per minor).",
    )
    dns_endpoint: bool | None = Field(
        default=None,
        description="Serve the Kubernetes API on GKE's DNS-based endpoint (`<uid>.<region>.gke.goog`) "
        "as well as its IP endpoint: reachable from any network that reaches Google APIs (GKE's "
        "`allowExternalTraffic`, without which the endpoint takes no user traffic at all), every request "
        "authorized by IAM `container.clusters.connect`; `cluster.authorized_networks` does not apply to "
        "it, and the plan warns while it is on. The platform's Kubernetes provider then uses it, so `pulumi "
        "up` needs no route into the VPC (the first run creates the VPC). Default: on when "
        "`cluster.endpoint` is private, off otherwise. Off with a private endpoint: the API is reachable "
        "only from inside the VPC, and `pulumi up` must run there.",
    )
    rbac_security_group: (
        Annotated[
            str,
            StringConstraints(
                pattern=described(
                    r"^gke-security-groups@[a-z0-9-]+(\.[a-z0-9-]+)+$",
                    "the address `gke-security-groups@<your domain>`",
                )
            ),
        ]
        | None
    ) = Field(
        default=None,
        description="Google Groups for RBAC: the cluster's `gke-security-groups@<domain>` group (create it "
        "in Cloud Identity/Workspace; tenant admin groups must be its members). Required when any "
        "`tenants[].admins` is set, which on GCP are Google Group e-mail addresses. Default none "
        "(no group reaches RBAC).",
    )
    dns_zone: CloudDnsZoneName | None = Field(
        default=None,
        description="Name of the public Cloud DNS managed zone (in `gcp.project`) serving `network.domain`: "
        "with "
        "`network.tls_issuer: acme` cert-manager proves each host by DNS-01 TXT records there, as a service "
        "account holding a custom role (record sets and changes, no zone deletion) on this zone only; with "
        "`network.dns_records`, each public host's A record is written there (the zone itself is never "
        "created, changed or deleted). Required for acme on GCP, and for public hosts with "
        "`network.dns_records`. Default none.",
    )
    binary_authorization: Literal["enforce", "dryrun", "off"] | None = Field(
        default=None,
        description="GKE Binary Authorization: the cluster evaluates the project's singleton policy "
        "(`PROJECT_SINGLETON_POLICY_ENFORCE`), which admits only the images of the platform's registry, the "
        "pinned charts' image repositories, the `services[].image` repositories and "
        "`binary_authorization_allowlist`, plus Google's global policy for GKE system images; every other "
        "image is denied. `enforce` blocks what the policy denies, `dryrun` admits it and writes an audit "
        "log entry (`DRYRUN_AUDIT_LOG_ONLY`), `off` leaves the cluster without Binary Authorization. "
        "Default: `enforce` in prod, `dryrun` otherwise. No charge of its own (docs/security.md).",
    )
    binary_authorization_policy: Literal["managed", "external"] = Field(
        default="managed",
        description="Who owns the project's Binary Authorization policy, a singleton (one per project). "
        "`managed` (default): this stack writes it, replacing whatever policy the project had; two stacks "
        "in one project must not both manage it. `external`: the policy is owned elsewhere (a security "
        "team, another stack in the project); the cluster still enforces it, and that policy must admit "
        "the images listed in docs/gcp.md.",
    )
    binary_authorization_allowlist: list[
        Annotated[
            str,
            StringConstraints(
                pattern=described(
                    r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?/[^*\s]*(\*|\*\*)?$",
                    "a Binary Authorization allowlist pattern: `registry/path/to/image`, optionally ending "
                    "in `*` "
                    "(any text without a `/`) or `**` (anything below), e.g. "
                    "`europe-docker.pkg.dev/acme/images/**`",
                )
            ),
        ]
    ] = Field(
        default_factory=list,
        description="More image patterns the managed Binary Authorization policy admits (images the "
        "platform does not render itself: tenants' jobs, sidecars). Default none.",
    )
    storage_data_access_logs: bool = Field(
        default=False,
        description="Cloud Audit Logs Data Access (`DATA_READ`, `DATA_WRITE`) for storage.googleapis.com "
        "on the project: who read or wrote which object, the access record Google recommends over usage "
        "logs. Data Access logging is configured per service for the whole project, never per bucket, and "
        "`gcp.projects.IAMAuditConfig` is authoritative for that service: `true` makes this stack the owner "
        "of the project's storage audit config (it replaces any existing one, exemptions included, and "
        "destroying the stack removes it) and logs every read of every bucket in the project, GPU nodes "
        "pulling model weights included, billed as Cloud Logging ingestion beyond the free allotment "
        "(docs/security.md). Default: off in every environment (the project's audit config is usually "
        "its owner's); prod then gets the advisory `lepton-gcp-bucket-access-logs` finding.",
    )
    model_bucket_retention_days: int | None = Field(
        default=None,
        ge=1,
        le=36500,
        description="A bucket retention policy on the model bucket (Bucket Lock, never locked by the "
        "platform): no object can be deleted or overwritten before it is this many days old. GCS refuses "
        "it together with Object Versioning, so the bucket is then unversioned (the retention policy "
        "protects the objects instead). Publishing a model under an existing name fails until that "
        "retention ends: off by default. Locking the policy is irreversible and is left to a person "
        "(`gcloud storage buckets update --lock-retention-period`).",
    )
    model_bucket_soft_delete_days: int = Field(
        default=7,
        description="Soft delete on the model bucket: deleted and overwritten objects stay restorable for "
        "this many days (0, or 7 to 90), billed as stored data meanwhile. Default 7 (GCS's own default, "
        "written out so the plan shows it).",
    )
    queued_provisioning_pools: list[str] = Field(
        default_factory=list,
        description="GPU pools whose nodes come only through ProvisioningRequests (GKE queued provisioning, "
        "Dynamic Workload Scheduler): Kueue asks GKE for all of a queued GPU job's nodes at once and admits "
        "the job when they exist. GKE then scales such a pool for nothing else, so no service may depend on "
        "it (its GPU type must also be on a pool without queued provisioning), and it needs `jobs.enabled`, "
        "min 0, on-demand capacity; GKE requires auto-repair off and no reservation on it. The pool is "
        "flex-start (as GKE's guide creates it): its VMs run at most 7 days, are billed at Dynamic Workload "
        "Scheduler prices (priced on-demand here, an upper bound) and draw on the preemptible GPU quota. "
        "Default none (jobs are admitted on quota alone on GKE).",
    )
    capacity_fallback: bool = Field(
        default=False,
        description="Reserved capacity first, then on-demand, then spot: a GKE custom ComputeClass "
        "(cloud.google.com/v1) per GPU machine shape (GPU type and count) that has a pool with a "
        "`reservation` and at least one other pool, listing those pools by rung (gcp/compute_class.py). "
        "Its pools get the class's node label and taint `cloud.google.com/compute-class=<class>` (GKE's "
        "way to enrol manually created pools), the platform's GPU pods and Kueue flavors tolerate it, and "
        "a pod that selects the class (node selector `cloud.google.com/compute-class: <class>`) is scaled "
        "up on the highest rung that can take it; the class never creates pools (node pool auto-creation "
        "off) and never scales a pool outside its list (`whenUnsatisfiable: DoNotScaleUp`). Needs GKE "
        "1.30.3-gke.1451000 or later. Costs nothing by itself. Default off: pods land on whichever "
        "matching pool GKE's autoscaler picks.",
    )
    free_tier_credit: bool | None = Field(
        default=None,
        description="Count the billing account's GKE free tier credit against this cluster's management fee "
        "in the cost table: $74.40 a month per billing account, applied only to zonal (and Autopilot) "
        "clusters, which covers one zonal cluster's $0.10/hour (cloud.google.com/kubernetes-engine/pricing, "
        "stored copy read 2026-12-07). Default: on in dev, off in staging and prod. Outside prod the "
        "platform's cluster is zonal (its control plane in the first of the nodes' zones), and that is what "
        "it gives up for the credit: one control-plane replica, so the Kubernetes API is unavailable during "
        "control-plane upgrades and an outage of that zone (the nodes and their pods keep running; SLA "
        "99.5% instead of a regional cluster's 99.95%). Saves $73 a month on one cluster per billing "
        "account: turn it off on a second dev stack billed to the same account (the credit is spent once). "
        "Refused with a regional (prod) cluster, which the credit does not apply to.",
    )
    request_quota_increases: bool = Field(
        default=False,
        description="Ask for the GPU quotas the pools need at max (`quota_to_request`) as Cloud Quotas "
        "preferences (`gcp.cloudquota.SQuotaPreference`), for the quota ids read in Google's listings. "
        "Google reviews each and may grant less; a preference below the current value is refused. "
        "Default false (request them on the project's quota page).",
    )


# What the `gcp:` knobs default to per environment, as rows the validator fills (spec/defaults.py reads
# every cloud's): none. Those that follow the environment are decided when the knobs are resolved
# (profiles/gcp/resolved.py), as each field's description says.
ENVIRONMENT_DEFAULTS: tuple[EnvDefault, ...] = ()
