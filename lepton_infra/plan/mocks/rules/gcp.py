"""Plausible GCP outputs and invoke answers."""

from __future__ import annotations

from typing import Any

from lepton_infra.plan.mocks.registry import (
    FAKE_CA,
    MockContext,
    invoke,
    outputs_for,
    outputs_for_prefix,
    short_hash,
)

PROJECT_NUMBER = "123456789012"


@outputs_for_prefix("gcp:")
def generic(name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any]) -> dict[str, Any]:
    project = inputs.get("project") or ctx.gcp_project
    physical = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    module = meta["type"].split(":")[1].split("/")[0]
    self_link = f"https://www.googleapis.com/{module}/v1/projects/{project}/{physical}"
    out: dict[str, Any] = {
        "project": project,
        "selfLink": self_link,
        "effectiveLabels": inputs.get("labels") or {},
    }
    if "name" not in inputs:
        out["name"] = physical
    return out


def with_generic(name, inputs, ctx, meta, extra):
    out = generic(name, inputs, ctx, meta)
    out.update(extra)
    return out


@outputs_for("gcp:container/cluster:Cluster")
def gke_cluster(name, inputs, ctx, meta):
    cluster = inputs.get("name") or name
    location = inputs.get("location") or ctx.gcp_region
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": f"projects/{ctx.gcp_project}/locations/{location}/clusters/{cluster}",
            "name": cluster,
            "location": location,
            # A private endpoint is what `endpoint` reports when the public one is disabled.
            "endpoint": "10.0.0.2"
            if (inputs.get("privateClusterConfig") or {}).get("enablePrivateEndpoint")
            else "203.0.113.10",
            "masterAuth": {"clusterCaCertificate": FAKE_CA, "clientCertificate": "", "clientKey": ""},
            "privateClusterConfig": {
                **(inputs.get("privateClusterConfig") or {}),
                "privateEndpoint": "10.0.0.2",
                "publicEndpoint": "203.0.113.10",
            },
            # GKE always reports the DNS-based endpoint (`<uid>.<region>.gke.goog`), whether or not it
            # admits external traffic.
            "controlPlaneEndpointsConfig": {
                **(inputs.get("controlPlaneEndpointsConfig") or {}),
                "dnsEndpointConfig": {
                    **((inputs.get("controlPlaneEndpointsConfig") or {}).get("dnsEndpointConfig") or {}),
                    "endpoint": f"gke-{short_hash(cluster, length=16)}.{ctx.gcp_region}.gke.goog",
                },
            },
        },
    )


@outputs_for("gcp:serviceaccount/account:Account")
def service_account(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    email = f"{inputs.get('accountId', name)}@{project}.iam.gserviceaccount.com"
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": f"projects/{project}/serviceAccounts/{email}",
            "email": email,
            "name": f"projects/{project}/serviceAccounts/{email}",
            "member": f"serviceAccount:{email}",
            "uniqueId": str(int(short_hash(email, length=12), 16)),
        },
    )


@outputs_for("gcp:kms/keyRing:KeyRing")
def key_ring(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    location = inputs.get("location", ctx.gcp_region)
    ring_id = f"projects/{project}/locations/{location}/keyRings/{inputs.get('name', name)}"
    return with_generic(name, inputs, ctx, meta, {"__id__": ring_id})


@outputs_for("gcp:kms/cryptoKey:CryptoKey")
def crypto_key(name, inputs, ctx, meta):
    key_id = (
        f"{inputs.get('keyRing', 'projects/p/locations/l/keyRings/r')}/cryptoKeys/{inputs.get('name', name)}"
    )
    return with_generic(name, inputs, ctx, meta, {"__id__": key_id})


@outputs_for("gcp:storage/bucket:Bucket")
def bucket(name, inputs, ctx, meta):
    bucket_name = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    return with_generic(
        name, inputs, ctx, meta, {"__id__": bucket_name, "name": bucket_name, "url": f"gs://{bucket_name}"}
    )


@outputs_for("gcp:monitoring/notificationChannel:NotificationChannel")
def notification_channel(name, inputs, ctx, meta):
    channel = f"projects/{ctx.gcp_project}/notificationChannels/{int(short_hash(name, length=10), 16)}"
    return with_generic(name, inputs, ctx, meta, {"__id__": channel, "name": channel})


@invoke("gcp:organizations/getProject:getProject")
def project(args, ctx):
    pid = args.get("projectId") or ctx.gcp_project
    return {"projectId": pid, "number": PROJECT_NUMBER, "name": pid, "id": f"projects/{pid}"}


@invoke("gcp:organizations/getClientConfig:getClientConfig")
def client_config(args, ctx):
    return {
        "project": ctx.gcp_project,
        "region": ctx.gcp_region,
        "accessToken": "offline-token",
        "id": "offline",
        "zone": f"{ctx.gcp_region}-a",
    }


@invoke("gcp:compute/getZones:getZones")
def zones(args, ctx):
    region = args.get("region") or ctx.gcp_region
    return {
        "names": [f"{region}-{z}" for z in "abcf"],
        "region": region,
        "id": region,
        "project": ctx.gcp_project,
    }


def _region_of(inputs: dict[str, Any], ctx: MockContext) -> str:
    return inputs.get("region") or ctx.gcp_region


@outputs_for("gcp:compute/network:Network")
def network(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    net = inputs.get("name") or name
    rid = f"projects/{project}/global/networks/{net}"
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": rid,
            "name": net,
            "gatewayIpv4": "",
            "selfLink": f"https://www.googleapis.com/compute/v1/{rid}",
            "numericId": str(int(short_hash(rid, length=12), 16)),
        },
    )


@outputs_for("gcp:compute/subnetwork:Subnetwork")
def subnetwork(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    subnet = inputs.get("name") or name
    rid = f"projects/{project}/regions/{_region_of(inputs, ctx)}/subnetworks/{subnet}"
    cidr = str(inputs.get("ipCidrRange") or "10.0.0.0/24")
    gateway = cidr.split("/")[0].rsplit(".", 1)[0] + ".1"
    _SUBNET_RANGES[rid] = cidr
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": rid,
            "name": subnet,
            "gatewayAddress": gateway,
            "selfLink": f"https://www.googleapis.com/compute/v1/{rid}",
        },
    )


# Subnet id -> primary range, as each subnet is created: an internal address is allocated from its subnet.
_SUBNET_RANGES: dict[str, str] = {}


@outputs_for("gcp:compute/address:Address")
def address(name, inputs, ctx, meta):
    """A reserved address as the API allocates it: internal ones from their subnet's range (near its top,
    away from the nodes GCE numbers from the bottom), external ones from a documentation range."""
    import ipaddress

    project = inputs.get("project") or ctx.gcp_project
    physical = inputs.get("name") or name
    rid = f"projects/{project}/regions/{_region_of(inputs, ctx)}/addresses/{physical}"
    offset = int(short_hash(rid, length=4), 16) % 200
    ip = inputs.get("address")
    if ip is None and inputs.get("addressType") == "INTERNAL":
        cidr = ipaddress.ip_network(_SUBNET_RANGES.get(str(inputs.get("subnetwork")), "10.0.0.0/24"))
        ip = str(
            cidr.broadcast_address - 3 - offset % (cidr.num_addresses // 4)
        )  # the last two are GCE's: never allocated
    elif ip is None:
        ip = str(ipaddress.ip_address("198.51.100.0") + 1 + offset)
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": rid,
            "name": physical,
            "address": ip,
            "users": [],
            "selfLink": f"https://www.googleapis.com/compute/v1/{rid}",
        },
    )


@outputs_for("gcp:compute/router:Router")
def router(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    rname = inputs.get("name") or name
    rid = f"projects/{project}/regions/{_region_of(inputs, ctx)}/routers/{rname}"
    return with_generic(name, inputs, ctx, meta, {"__id__": rid, "name": rname})


@outputs_for("gcp:compute/firewall:Firewall")
def firewall(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    rid = f"projects/{project}/global/firewalls/{inputs.get('name') or name}"
    return with_generic(name, inputs, ctx, meta, {"__id__": rid})


@outputs_for("gcp:container/nodePool:NodePool")
def gke_node_pool(name, inputs, ctx, meta):
    pool = inputs.get("name") or name
    cluster = str(inputs.get("cluster") or "cluster")
    cluster_id = (
        cluster
        if cluster.startswith("projects/")
        else (
            f"projects/{ctx.gcp_project}/locations/"
            f"{inputs.get('location') or ctx.gcp_region}/clusters/{cluster}"
        )
    )
    zone = f"{inputs.get('location') or ctx.gcp_region}-a".replace("-a-a", "-a")
    group = f"gke-{cluster_id.rsplit('/', 1)[-1][:12]}-{pool[:12]}-{short_hash(pool, length=8)}-grp"
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": f"{cluster_id}/nodePools/{pool}",
            "name": pool,
            "instanceGroupUrls": [
                f"https://www.googleapis.com/compute/v1/projects/{ctx.gcp_project}/zones/"
                f"{zone}/instanceGroupManagers/{group}"
            ],
            "managedInstanceGroupUrls": [],
            "version": "1.33.5-gke.1000000",
        },
    )


@outputs_for("gcp:artifactregistry/repository:Repository")
def ar_repository(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    repo = inputs.get("repositoryId") or name
    location = inputs.get("location") or ctx.gcp_region
    rid = f"projects/{project}/locations/{location}/repositories/{repo}"
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": rid,
            "name": repo,
            "repositoryId": repo,
            "location": location,
            "project": project,
            "registryUri": f"{location}-docker.pkg.dev/{project}/{repo}",
        },
    )


@outputs_for("gcp:projects/service:Service")
def project_service(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    return with_generic(name, inputs, ctx, meta, {"__id__": f"{project}/{inputs.get('service', name)}"})


@outputs_for("gcp:monitoring/alertPolicy:AlertPolicy")
def alert_policy(name, inputs, ctx, meta):
    policy = f"projects/{ctx.gcp_project}/alertPolicies/{int(short_hash(name, length=10), 16)}"
    return with_generic(name, inputs, ctx, meta, {"__id__": policy, "name": policy})


@outputs_for("gcp:billing/budget:Budget")
def budget(name, inputs, ctx, meta):
    budget_id = f"{short_hash(name, 'b', length=8)}-{short_hash(name, 'c', length=4)}"
    rid = f"billingAccounts/{inputs.get('billingAccount', '000000-000000-000000')}/budgets/{budget_id}"
    return with_generic(name, inputs, ctx, meta, {"__id__": rid, "name": rid})


_AGENT_DOMAINS = {
    "artifactregistry.googleapis.com": "gcp-sa-artifactregistry",
    "container.googleapis.com": "container-engine-robot",
    "compute.googleapis.com": "compute-system",
}


@outputs_for("gcp:projects/serviceIdentity:ServiceIdentity")
def service_identity(name, inputs, ctx, meta):
    service = str(inputs.get("service") or "unknown.googleapis.com")
    domain = _AGENT_DOMAINS.get(service, f"gcp-sa-{service.split('.')[0]}")
    email = f"service-{PROJECT_NUMBER}@{domain}.iam.gserviceaccount.com"
    return with_generic(name, inputs, ctx, meta, {"email": email, "member": f"serviceAccount:{email}"})


@invoke("gcp:storage/getProjectServiceAccount:getProjectServiceAccount")
def storage_service_account(args, ctx):
    email = f"service-{PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
    return {
        "emailAddress": email,
        "member": f"serviceAccount:{email}",
        "project": args.get("project") or ctx.gcp_project,
        "id": email,
    }


@invoke("gcp:compute/getMachineTypes:getMachineTypes")
def machine_types(args, ctx):
    """Every zone offers the filtered machine (`name = "x"`); an unfiltered list answers a few CPU types."""
    import re

    zone = args.get("zone") or f"{ctx.gcp_region}-a"
    match = re.search(r'name\s*=\s*"?([a-z0-9-]+)"?', str(args.get("filter") or ""))
    names = [match.group(1)] if match else ["n2-standard-4", "n2-standard-8"]
    project = args.get("project") or ctx.gcp_project
    return {
        "machineTypes": [
            {
                "name": n,
                "description": n,
                "guestCpus": 4,
                "memoryMb": 16384,
                "isSharedCpus": False,
                "maximumPersistentDisks": 128,
                "maximumPersistentDisksSizeGb": 263168,
                "architecture": "X86_64",
                "accelerators": [],
                "bundledLocalSsds": [],
                "deprecateds": [],
                "selfLink": f"https://www.googleapis.com/compute/v1/projects/{project}/zones/{zone}/"
                f"machineTypes/{n}",
            }
            for n in names
        ],
        "zone": zone,
        "project": project,
        "filter": args.get("filter"),
        "id": f"{project}/{zone}",
    }


@outputs_for("gcp:projects/iAMCustomRole:IAMCustomRole")
def iam_custom_role(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    role = f"projects/{project}/roles/{inputs.get('roleId') or name}"
    return with_generic(name, inputs, ctx, meta, {"__id__": role, "name": role, "deleted": False})
