"""Plausible GCP outputs and invoke answers."""

from __future__ import annotations

from typing import Any

from lepton_infra.plan.mocks.aws import FAKE_CA
from lepton_infra.plan.mocks.core import MockContext, invoke, outputs_for, outputs_for_prefix, short_hash

PROJECT_NUMBER = "123456789012"


@outputs_for_prefix("gcp:")
def generic(name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any]) -> dict[str, Any]:
    project = inputs.get("project") or ctx.gcp_project
    physical = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    module = meta["type"].split(":")[1].split("/")[0]
    self_link = f"https://www.googleapis.com/{module}/v1/projects/{project}/{physical}"
    out: dict[str, Any] = {"project": project, "selfLink": self_link,
                           "effectiveLabels": inputs.get("labels") or {}}
    if "name" not in inputs:
        out["name"] = physical
    return out


def _with_generic(name, inputs, ctx, meta, extra):
    out = generic(name, inputs, ctx, meta)
    out.update(extra)
    return out


@outputs_for("gcp:container/cluster:Cluster")
def gke_cluster(name, inputs, ctx, meta):
    cluster = inputs.get("name") or name
    location = inputs.get("location") or ctx.gcp_region
    return _with_generic(name, inputs, ctx, meta, {
        "__id__": f"projects/{ctx.gcp_project}/locations/{location}/clusters/{cluster}",
        "name": cluster, "location": location, "endpoint": "10.0.0.2",
        "masterAuth": {"clusterCaCertificate": FAKE_CA, "clientCertificate": "", "clientKey": ""},
        "privateClusterConfig": {**(inputs.get("privateClusterConfig") or {}), "privateEndpoint": "10.0.0.2",
                                 "publicEndpoint": "203.0.113.10"},
    })


@outputs_for("gcp:serviceaccount/account:Account")
def service_account(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    email = f"{inputs.get('accountId', name)}@{project}.iam.gserviceaccount.com"
    return _with_generic(name, inputs, ctx, meta, {
        "__id__": f"projects/{project}/serviceAccounts/{email}", "email": email,
        "name": f"projects/{project}/serviceAccounts/{email}", "member": f"serviceAccount:{email}",
        "uniqueId": str(int(short_hash(email, length=12), 16)),
    })


@outputs_for("gcp:kms/keyRing:KeyRing")
def key_ring(name, inputs, ctx, meta):
    project = inputs.get("project") or ctx.gcp_project
    ring_id = f"projects/{project}/locations/{inputs.get('location', ctx.gcp_region)}/keyRings/{inputs.get('name', name)}"
    return _with_generic(name, inputs, ctx, meta, {"__id__": ring_id})


@outputs_for("gcp:kms/cryptoKey:CryptoKey")
def crypto_key(name, inputs, ctx, meta):
    key_id = f"{inputs.get('keyRing', 'projects/p/locations/l/keyRings/r')}/cryptoKeys/{inputs.get('name', name)}"
    return _with_generic(name, inputs, ctx, meta, {"__id__": key_id})


@outputs_for("gcp:storage/bucket:Bucket")
def bucket(name, inputs, ctx, meta):
    bucket_name = inputs.get("name") or f"{name}-{short_hash(name, length=7)}"
    return _with_generic(name, inputs, ctx, meta, {"__id__": bucket_name, "name": bucket_name,
                                                    "url": f"gs://{bucket_name}"})


@outputs_for("gcp:monitoring/notificationChannel:NotificationChannel")
def notification_channel(name, inputs, ctx, meta):
    channel = f"projects/{ctx.gcp_project}/notificationChannels/{int(short_hash(name, length=10), 16)}"
    return _with_generic(name, inputs, ctx, meta, {"__id__": channel, "name": channel})


@invoke("gcp:organizations/getProject:getProject")
def project(args, ctx):
    pid = args.get("projectId") or ctx.gcp_project
    return {"projectId": pid, "number": PROJECT_NUMBER, "name": pid, "id": f"projects/{pid}"}


@invoke("gcp:organizations/getClientConfig:getClientConfig")
def client_config(args, ctx):
    return {"project": ctx.gcp_project, "region": ctx.gcp_region, "accessToken": "offline-token",
            "id": "offline", "zone": f"{ctx.gcp_region}-a"}


@invoke("gcp:compute/getZones:getZones")
def zones(args, ctx):
    region = args.get("region") or ctx.gcp_region
    return {"names": [f"{region}-{z}" for z in "abcf"], "region": region, "id": region,
            "project": ctx.gcp_project}
