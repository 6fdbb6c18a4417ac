"""J1 multi-node: a tenant's two-node training JobSet, labelled with its LocalQueue, is admitted by Kueue on
the topology-aware H100 flavor. Walked over each prod stack with its h100 pool topology_aware
(`<cloud>-prod+multinode`): the JobSet API is installed at the pinned chart and the JobSet is valid against
its CRD, Kueue integrates JobSets and manages the tenant's namespace, the tenant's admins may create JobSets
there and nowhere else, the queue reaches both nodes' GPUs on the flavor, the flavor names the Topology
holding the level the JobSet asks for and a domain of it can hold the JobSet, its pods fit the pool and
reach each other, and on GKE the private control plane reaches the JobSet webhook."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from tests.journeys.admission import (
    Container,
    defaulted,
    q,
    queue_links,
    quota_errors,
    reachable_quota,
)
from tests.journeys.cluster import HELM_RELEASE, Cluster, Journey, selects, untolerated
from tests.journeys.network import Pod, connection
from tests.kubernetes.crd_schemas import validate_cr
from tests.kubernetes.pins import pinned_name

TENANT = "research"
FLAVOR = "gpu-h100"
GPU = "nvidia.com/gpu"
HOSTNAME = "kubernetes.io/hostname"
REQUIRED = "kueue.x-k8s.io/podset-required-topology"
PREFERRED = "kueue.x-k8s.io/podset-preferred-topology"
# Per cloud, how the JobSet asks for one network domain (Kueue TAS reads the annotation from the pod
# template; kueue v0.19.2 site/content/en/docs/concepts/topology_aware_scheduling.md): EKS's bottom network
# layer (EKS "Place distributed AI/ML workloads with network topology labels"), GKE's sub-block (Google Cloud
# "Schedule GKE workloads with Topology Aware Scheduling"); AKS labels no network level, so a two-node job
# can only prefer packing by host (required at the host level it would never fit one domain).
ASKS = {
    "aws-prod+multinode": (REQUIRED, "topology.k8s.aws/network-node-layer-3"),
    "gcp-prod+multinode": (REQUIRED, "cloud.google.com/gce-topology-subblock"),
    "azure-prod+multinode": (PREFERRED, HOSTNAME),
    # The shipped azure-train (its h100 pool topology-aware). aws-train's pool is h100-efa on a fabric: its
    # walk needs the flavor per stack and the EFA devices in the pods' requests (not done yet).
    "azure-train": (PREFERRED, HOSTNAME),
}
NODES = 2
GKE_FIREWALL = "gcp:compute/firewall:Firewall"
JOBSET_WEBHOOK_PORT = "9443"  # charts/jobset/templates/controller/deployment.yaml at v0.12.0, `webhook`
# The labels the JobSet controller puts on its pods (kubernetes-sigs/jobset v0.12.0 api/jobset/v1alpha2
# jobset_types.go JobSetNameKey, ReplicatedJobNameKey).
POD_LABELS = {
    "jobset.sigs.k8s.io/jobset-name": "llm-pretrain",
    "jobset.sigs.k8s.io/replicatedjob-name": "workers",
}


def jobset(annotation: str, level: str) -> dict[str, Any]:
    """What a tenant submits: one replicated Job of two pods, a whole 8-GPU node each, in one network
    domain, queued by its label."""
    container = {
        "name": "trainer",
        "image": "ghcr.io/acme/trainer:1.0",
        "ports": [{"containerPort": 29500}],
        "resources": {"requests": {"cpu": "32", "memory": "256Gi"}, "limits": {GPU: "8"}},
    }
    job = {
        "parallelism": NODES,
        "completions": NODES,
        "backoffLimit": 0,
        "template": {
            "metadata": {"annotations": {annotation: level}},
            "spec": {"restartPolicy": "Never", "containers": [container]},
        },
    }
    return {
        "apiVersion": "jobset.x-k8s.io/v1alpha2",
        "kind": "JobSet",
        "metadata": {
            "name": "llm-pretrain",
            "namespace": TENANT,
            "labels": {"kueue.x-k8s.io/queue-name": "jobs"},
        },
        "spec": {"replicatedJobs": [{"name": "workers", "replicas": 1, "template": {"spec": job}}]},
    }


def _pod_template(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["spec"]["replicatedJobs"][0]["template"]["spec"]["template"]


def _release(cluster: Cluster, chart: str) -> Any:
    found = [
        r for r in cluster.graph.of_type(HELM_RELEASE) if str(r.get("chart")).rsplit("/", 1)[-1] == chart
    ]
    return found[0] if found else None


def _api_links(j: Journey, cluster: Cluster, doc: dict[str, Any]) -> None:
    """The API is there, Kueue takes it, the tenant may use it in its namespace only."""
    release = _release(cluster, "jobset")
    j.link("JobSet API installed", release is not None, "no Helm release of the jobset chart")
    pinned = pinned_name("jobset")
    j.link(
        "at the pinned chart",
        release is not None and f"jobset-{release.get('version')}" == pinned,
        f"release version {release and release.get('version')} vs {pinned}",
    )
    try:
        validate_cr(doc, pinned)
        why = ""
    except (jsonschema.ValidationError, KeyError) as e:
        why = str(e).splitlines()[0]
    j.link("JobSet valid against the pinned CRD", not why, why)
    config = cluster.kueue_config()
    frameworks = (config.get("integrations") or {}).get("frameworks") or []
    j.link(
        "Kueue integrates JobSets",
        "jobset.x-k8s.io/jobset" in frameworks,
        f"Kueue's integrations are {frameworks}: the JobSet runs unqueued, outside every quota",
    )
    kueue = _release(cluster, "kueue")
    j.link(
        "Kueue starts after the JobSet CRD",
        kueue is not None and release is not None and release.urn in kueue.dependencies,
        "the Kueue release does not wait for the JobSet release",
    )
    j.link(
        "Kueue manages the namespace",
        selects(config.get("managedJobsNamespaceSelector"), cluster.namespace_labels(TENANT)),
        f"managedJobsNamespaceSelector does not select {TENANT}",
    )
    admins = set(next(t for t in cluster.tenants if t["name"] == TENANT).get("admins") or [])
    bound_roles = {
        b["roleRef"]["name"]
        for b in cluster.of_kind("RoleBinding", TENANT)
        if admins & {s["name"] for s in b.get("subjects") or []}
    }
    may_create = any(
        "jobset.x-k8s.io" in rule.get("apiGroups", [])
        and "jobsets" in rule.get("resources", [])
        and "create" in rule.get("verbs", [])
        for role in cluster.of_kind("Role", TENANT)
        if role["metadata"]["name"] in bound_roles
        for rule in role.get("rules") or []
    )
    j.link("tenant admins may create JobSets in their namespace", may_create, f"no Role bound to {admins}")
    cluster_wide = [
        b["metadata"]["name"]
        for b in cluster.of_kind("ClusterRoleBinding")
        if admins & {s["name"] for s in b.get("subjects") or []}
    ]
    j.link("and nowhere else", not cluster_wide, f"ClusterRoleBindings {cluster_wide} bind {admins}")


def _queue_links(j: Journey, cluster: Cluster, doc: dict[str, Any]) -> None:
    """Its queue admits it on the topology-aware flavor, and its pods fit the pool and reach each other."""
    queue_name = doc["metadata"]["labels"]["kueue.x-k8s.io/queue-name"]
    queue = queue_links(j, cluster, TENANT, queue_name)
    flavor = cluster.named("ResourceFlavor", FLAVOR)
    assert flavor is not None
    topology_name = flavor["spec"].get("topologyName")
    topology = cluster.named("Topology", topology_name) if topology_name else None
    j.link("flavor is topology-aware", topology is not None, f"{FLAVOR} names no Topology the plan creates")
    levels = [lv["nodeLabel"] for lv in (topology or {}).get("spec", {}).get("levels") or []]
    template = _pod_template(doc)
    required = template["metadata"]["annotations"].get(REQUIRED)
    asked = required or template["metadata"]["annotations"].get(PREFERRED)
    j.link("the Topology has the level asked for", asked in levels, f"{asked} not in {levels}")
    container = template["spec"]["containers"][0]
    pods = doc["spec"]["replicatedJobs"][0]["template"]["spec"]["parallelism"]
    gpus_per_pod = q(container["resources"]["limits"][GPU])
    reach = reachable_quota(cluster, queue, FLAVOR, GPU)
    j.link(
        "cohort holds the whole JobSet's GPUs on the flavor",
        reach >= pods * gpus_per_pod,
        f"the queue reaches {reach} {GPU} of {FLAVOR}; the JobSet asks {pods} x {gpus_per_pod}",
    )
    labels = {"matchLabels": flavor["spec"]["nodeLabels"]}
    pool = next((p for p in cluster.pools.values() if selects(labels, p.labels)), None)
    j.link("flavor selects a pool", pool is not None, "no pool carries the flavor's labels")
    assert pool is not None
    j.link("a node holds a pod's GPUs", pool.gpus >= gpus_per_pod, f"{pool.gpus} per node")
    j.link(
        "a domain of the required level can hold the JobSet",
        required != HOSTNAME or pods * gpus_per_pod <= pool.gpus,
        f"{pods} pods of {gpus_per_pod} GPUs required on one host of {pool.gpus}: never admitted",
    )
    j.link("pool grows to the JobSet's nodes", pool.max_nodes >= pods, f"{pool.name} max {pool.max_nodes}")
    missing = untolerated(list(flavor["spec"].get("tolerations") or []), pool)
    j.link("pods tolerate the pool's taints", not missing, f"untolerated on {pool.name}: {missing}")
    resources = container["resources"]
    pod = defaulted(cluster, TENANT, Container(dict(resources["requests"]), dict(resources["limits"])))
    errors = quota_errors(cluster, TENANT, pod)
    j.link("tenant quota admits each pod", not errors, "; ".join(errors))
    peer = Pod(TENANT, dict(POD_LABELS))
    ok, why = connection(cluster, peer, peer, 29500)
    j.link("the JobSet's pods reach each other", ok, why)


def walk(cluster: Cluster, doc: dict[str, Any], stop: bool = True) -> Journey:
    j = Journey(f"J1 multi-node JobSet of {TENANT} on {FLAVOR}", stop)
    _api_links(j, cluster, doc)
    _queue_links(j, cluster, doc)
    if cluster.cloud == "gcp":
        # A private GKE control plane reaches nodes on 443 and 10250 only, unless a firewall opens more.
        opened = {
            port
            for fw in cluster.graph.managed
            if fw.type == GKE_FIREWALL and fw.inputs.get("direction", "INGRESS") == "INGRESS"
            for allow in fw.inputs.get("allows") or []
            for port in allow.get("ports") or []
        }
        j.link(
            "the control plane reaches the JobSet webhook",
            JOBSET_WEBHOOK_PORT in opened,
            f"no ingress firewall opens {JOBSET_WEBHOOK_PORT}: every JobSet create times out (fails closed)",
        )
    return j


@pytest.mark.parametrize("stack", sorted(ASKS))
def test_a_queued_jobset_is_admitted_on_the_topology_aware_gpu_flavor(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    links = walk(cluster, jobset(*ASKS[stack])).links
    assert len(links) == (22 if cluster.cloud == "gcp" else 21)


def test_the_jobset_walk_can_fail(cluster_of: Callable[[str], Cluster]) -> None:
    """Each piece removed breaks its link: a JobSet the CRD refuses, a two-node JobSet required on one
    host, Kueue without the integration, the tenants' Role without JobSets, the flavor without its
    Topology, the GKE firewall without the webhook's port."""
    multinode = cluster_of("aws-prod+multinode")
    good = jobset(*ASKS["aws-prod+multinode"])
    bad = copy.deepcopy(good)
    bad["spec"]["replicatedJobs"][0]["replica"] = 1  # a misspelt field the API server would prune
    assert "JobSet valid against the pinned CRD" in walk(multinode, bad, stop=False).broken
    one_host = walk(multinode, jobset(REQUIRED, HOSTNAME), stop=False).broken
    assert "a domain of the required level can hold the JobSet" in one_host

    cluster = copy.copy(multinode)
    cluster.objects = copy.deepcopy(multinode.objects)
    for role in cluster.of_kind("Role", TENANT):
        role["rules"] = [
            r for r in role.get("rules") or [] if "jobset.x-k8s.io" not in r.get("apiGroups", [])
        ]
    for flavor in cluster.of_kind("ResourceFlavor"):
        flavor["spec"].pop("topologyName", None)
    broken = walk(cluster, good, stop=False).broken
    assert "tenant admins may create JobSets in their namespace" in broken
    assert "flavor is topology-aware" in broken

    class WithoutJobSets(Cluster):
        def kueue_config(self) -> dict[str, Any]:
            config = copy.deepcopy(multinode.kueue_config())
            config["integrations"]["frameworks"] = ["batch/job"]
            return config

    plain = copy.copy(multinode)
    plain.__class__ = WithoutJobSets
    assert "Kueue integrates JobSets" in walk(plain, good, stop=False).broken

    gke = cluster_of("gcp-prod+multinode")
    closed = copy.copy(gke)
    closed.graph = dataclasses.replace(
        gke.graph, resources=[r for r in gke.graph.resources if r.type != GKE_FIREWALL]
    )
    broken = walk(closed, jobset(*ASKS["gcp-prod+multinode"]), stop=False).broken
    assert "the control plane reaches the JobSet webhook" in broken
