"""J1: a tenant's queued training job runs on the GPUs it asked for. For every tenant and every GPU flavor
of its queue: the job reaches its LocalQueue and ClusterQueue, Kueue can admit it (its resources are
checked, quota for them exists in the cohort), the namespace admits its pods (LimitRange, quota), the
capacity request and the pods fit the pool's nodes (labels, taints, GPUs), and its identity and egress
reach the tenant's prefix of the model bucket."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.journeys.admission import (
    Container,
    covered,
    defaulted,
    q,
    queue_links,
    quota_check_strategy,
    quota_errors,
    reachable_quota,
    validation_errors,
)
from tests.journeys.cluster import Cluster, Journey, Pool, selects, untolerated
from tests.journeys.conftest import ALL
from tests.journeys.network import External, Pod, connection

GPU = "nvidia.com/gpu"
QUEUE_LABEL = "kueue.x-k8s.io/queue-name"
# A typical training job's container: what it asks for, with only the GPU as a limit (the common way to
# write one). Scratch space for datasets and checkpoints; on AWS the H100 (p5) nodes' EFA interfaces.
JOB_REQUESTS = {"cpu": "8", "memory": "64Gi", "ephemeral-storage": "100Gi"}
EFA = "vpc.amazonaws.com/efa"
# Where a job's pods read the bucket: a public endpoint on 443 (S3, GCS, Blob storage; the platform has
# no private bucket endpoint on every cloud), and the identity token endpoint each cloud's workload identity
# calls (GKE metadata server, Dataplane V2: 169.254.169.254:80; EKS IRSA: STS over 443; AKS: Entra ID 443).
BUCKET_ENDPOINT = External("52.216.0.10")
IDENTITY_ENDPOINT = {
    "aws": ("52.94.0.10", 443),
    "gcp": ("169.254.169.254", 80),
    "azure": ("20.190.0.10", 443),
}


def _flavor_pool(cluster: Cluster, flavor: dict[str, Any]) -> Pool | None:
    labels = flavor["spec"].get("nodeLabels") or {}
    return next((p for p in cluster.pools.values() if selects({"matchLabels": labels}, p.labels)), None)


def _walk(cluster: Cluster, tenant: str, flavor_name: str, stop: bool = True) -> Journey:
    j = Journey(f"J1 {tenant} job on {flavor_name}", stop)
    queue = queue_links(j, cluster, tenant, "jobs")
    flavor = cluster.named("ResourceFlavor", flavor_name)
    assert flavor is not None
    pool = _flavor_pool(cluster, flavor)
    j.link("flavor selects a pool", pool is not None, f"no pool carries {flavor['spec'].get('nodeLabels')}")
    assert pool is not None
    requests = {**JOB_REQUESTS, GPU: str(pool.gpus)}
    if cluster.cloud == "aws" and pool.gpu_type == "h100-80gb":
        requests[EFA] = "32"
    strategy = quota_check_strategy(cluster)
    uncovered = sorted(set(requests) - covered(queue))
    j.link(
        "Kueue checks only what the queue covers",
        strategy == "IgnoreUndeclared" or not uncovered,
        f"quotaCheckStrategy {strategy}: {uncovered} not in the queue's coveredResources, no flavor fits",
    )
    reach = reachable_quota(cluster, queue, flavor_name, GPU)
    j.link(
        "cohort holds GPU quota on the flavor",
        reach >= q(requests[GPU]),
        f"the queue reaches {reach} {GPU} of {flavor_name} (own + borrowable); the job asks {requests[GPU]}",
    )
    for resource in ("cpu", "memory"):
        # the flavor Kueue assigns the group covering it (the cpu flavor), own quota or borrowed
        reach = max(
            (
                reachable_quota(cluster, queue, f["name"], resource)
                for g in queue["spec"]["resourceGroups"]
                if resource in g["coveredResources"]
                for f in g["flavors"]
            ),
            default=q(0),
        )
        # A queue with a topology-aware GPU flavor declares no CPU/memory (kubernetes/jobs/queues.py):
        # ignored at admission under IgnoreUndeclared, left to the namespace quota (checked below).
        undeclared = resource not in covered(queue) and strategy == "IgnoreUndeclared"
        j.link(
            f"queue holds the job's {resource}",
            undeclared or reach >= q(requests[resource]),
            f"the queue reaches {reach} {resource} on any flavor; the job asks {requests[resource]}",
        )
    container = defaulted(cluster, tenant, Container(dict(requests), {GPU: requests[GPU]}))
    j.link(
        "LimitRange leaves a valid container",
        not validation_errors(container),
        str(validation_errors(container)),
    )
    gpu_only = defaulted(cluster, tenant, Container({}, {GPU: requests[GPU]}))
    memory_limit = gpu_only.limits.get("memory")
    j.link(
        "a container with only a GPU limit is not capped",
        memory_limit is None or q(memory_limit) >= q("16Gi"),
        f"the LimitRange caps it at {memory_limit} of memory: a GPU job is OOM-killed",
    )
    errors = quota_errors(cluster, tenant, container)
    j.link("tenant quota admits the pod", not errors, "; ".join(errors))
    # What Kueue adds to the pods (and, with the capacity check, to the ProvisioningRequest's template).
    tolerations = list(flavor["spec"].get("tolerations") or [])
    node_selector = dict(flavor["spec"].get("nodeLabels") or {})
    checks = (queue["spec"].get("admissionChecksStrategy") or {}).get("admissionChecks") or []
    provisioned = [c for c in checks if flavor_name in (c.get("onFlavors") or [flavor_name])]
    if pool.queued:
        j.link(
            "capacity requested through the pool's queue",
            bool(provisioned),
            f"{pool.name} gets nodes only through ProvisioningRequests and the flavor has no admission check",
        )
    for check in provisioned:
        ac = cluster.named("AdmissionCheck", check["name"])
        j.link("admission check exists", ac is not None, f"no AdmissionCheck {check['name']}")
        assert ac is not None
        config = cluster.named("ProvisioningRequestConfig", ac["spec"]["parameters"]["name"])
        j.link("provisioning config exists", config is not None, "no ProvisioningRequestConfig")
        missing = untolerated(tolerations, pool)
        j.link(
            "ProvisioningRequest pod template tolerates the pool",
            not missing,
            f"the template (job + flavor {flavor_name}) does not tolerate {missing} of pool {pool.name}",
        )
    missing = untolerated(tolerations, pool)
    j.link("pods tolerate the pool's taints", not missing, f"untolerated on {pool.name}: {missing}")
    j.link(
        "node selector matches the pool",
        selects({"matchLabels": node_selector}, pool.labels),
        f"{node_selector} vs {pool.labels}",
    )
    j.link("pool can grow", pool.max_nodes >= 1, f"{pool.name} max {pool.max_nodes}")
    j.link("a node holds the pod's GPUs", pool.gpus >= int(requests[GPU]), f"{pool.gpus} per node")
    sa = cluster.named("ServiceAccount", "workload", tenant)
    j.link("workload identity", sa is not None, f"no ServiceAccount workload in {tenant}")
    resources = [json.dumps(r.inputs) for r in cluster.graph.managed if not r.type.startswith("kubernetes:")]
    subject = (f"[{tenant}/workload]", f"system:serviceaccount:{tenant}:workload")
    j.link(
        "cloud identity trusts the service account",
        any(any(s in text for s in subject) for text in resources),
        f"no cloud resource trusts {tenant}/workload",
    )
    j.link(
        "identity reads the tenant's prefix",
        any(f"tenants/{tenant}/" in text for text in resources),
        f"no grant on tenants/{tenant}/",
    )
    job_pod = Pod(tenant, {QUEUE_LABEL: "jobs", "job-name": "train"})
    ok, why = connection(cluster, job_pod, BUCKET_ENDPOINT, 443)
    j.link("egress to the bucket", ok, why)
    ip, port = IDENTITY_ENDPOINT[cluster.cloud]
    ok, why = connection(cluster, job_pod, External(ip), port)
    j.link("egress to the identity endpoint", ok, why)
    return j


def _cases(cluster: Cluster) -> list[tuple[str, str]]:
    out = []
    for t in cluster.tenants:
        local = cluster.named("LocalQueue", "jobs", t["name"])
        queue = cluster.named("ClusterQueue", local["spec"]["clusterQueue"]) if local else None
        flavors = [
            f["name"] for g in (queue or {}).get("spec", {}).get("resourceGroups", []) for f in g["flavors"]
        ]
        out += [(t["name"], f) for f in flavors if f.startswith("gpu-")] or [(t["name"], "")]
    return out


@pytest.mark.parametrize("stack", ALL)
def test_every_queued_gpu_job_reaches_its_gpus_and_data(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    if not (cluster.spec.get("jobs") or {}).get("enabled"):
        pytest.skip(f"{stack} has no job queues (jobs.enabled is off; its +jobs variant walks them)")
    for tenant, flavor in _cases(cluster):
        assert flavor, f"J1 {tenant}: its queue offers no GPU flavor"
        assert len(_walk(cluster, tenant, flavor).links) >= 18


def _broken(stack: str, cluster_of: Callable[[str], Cluster], link: str) -> dict[str, str]:
    """Per tenant and GPU flavor of `stack`, why `link` is broken (walking past other broken links)."""
    cluster = cluster_of(stack)
    out, reached = {}, 0
    for tenant, flavor in _cases(cluster):
        journey = _walk(cluster, tenant, flavor, stop=False)
        reached += link in journey.links
        if link in journey.broken:
            out[f"{tenant}/{flavor}"] = journey.broken[link]
    assert reached, f"no J1 journey of {stack} has the link '{link}'"
    return out


# Each defect of issue 26 J1 (and issue 24 item 1) on its own, on the stacks that had it.
@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod", "azure-prod"])
def test_kueue_admits_jobs_asking_for_resources_queues_do_not_cover(stack, cluster_of) -> None:
    assert _broken(stack, cluster_of, "Kueue checks only what the queue covers") == {}


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod", "azure-prod"])
def test_every_gpu_flavor_has_quota_in_its_cohort(stack, cluster_of) -> None:
    """The spot flavors had nominalQuota 0 in every queue: nothing to borrow, jobs inadmissible forever."""
    assert _broken(stack, cluster_of, "cohort holds GPU quota on the flavor") == {}


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod", "azure-prod"])
@pytest.mark.parametrize(
    "link", ["LimitRange leaves a valid container", "a container with only a GPU limit is not capped"]
)
def test_tenant_defaults_neither_refuse_nor_starve_a_job(stack, link, cluster_of) -> None:
    assert _broken(stack, cluster_of, link) == {}


def test_gke_queued_provisioning_template_tolerates_the_queued_taint(cluster_of) -> None:
    """gcp-prod's h100 pool is queued-provisioning: GKE taints its nodes cloud.google.com/gke-queued, and
    the ProvisioningRequest's template (the job plus its flavor's tolerations) must tolerate it, or the
    request is never satisfiable and the job is evicted after its retries (issue 24 item 1)."""
    cluster = cluster_of("gcp-prod")
    assert cluster.pools["h100"].queued
    assert _broken("gcp-prod", cluster_of, "ProvisioningRequest pod template tolerates the pool") == {}
