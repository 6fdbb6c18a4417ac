"""J1 multi-node: a tenant's two-node training JobSet, labelled with its LocalQueue, is admitted by Kueue on
the topology-aware H100 flavor. Walked over aws-prod with its h100 pool topology_aware
(`aws-prod+multinode`): the JobSet API is installed at the pinned chart and the JobSet is valid against its
CRD, Kueue integrates JobSets and manages the tenant's namespace, the tenant's admins may create JobSets
there and nowhere else, the queue reaches both nodes' GPUs on the flavor, the flavor names the Topology
holding the level the JobSet asks for, and its pods fit the pool and reach each other."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from tests.journeys.admission import Container, defaulted, q, quota_errors, reachable_quota
from tests.journeys.cluster import HELM_RELEASE, Cluster, Journey, selects, untolerated
from tests.journeys.network import Pod, connection
from tests.kubernetes.crd_schemas import validate_cr
from tests.kubernetes.pins import pinned_name

STACK = "aws-prod+multinode"
TENANT = "research"
FLAVOR = "gpu-h100"
GPU = "nvidia.com/gpu"
# The bottom EC2 network layer (EKS "Place distributed AI/ML workloads with network topology labels"):
# both pods under one network node.
LEVEL = "topology.k8s.aws/network-node-layer-3"
NODES = 2
# What a tenant submits: one replicated Job of two pods, a whole 8-GPU node each, required in one
# network domain (Kueue TAS reads the annotation from the pod template; kueue v0.19.2
# site/content/en/docs/concepts/topology_aware_scheduling.md), queued by its label.
JOBSET: dict[str, Any] = {
    "apiVersion": "jobset.x-k8s.io/v1alpha2",
    "kind": "JobSet",
    "metadata": {
        "name": "llm-pretrain",
        "namespace": TENANT,
        "labels": {"kueue.x-k8s.io/queue-name": "jobs"},
    },
    "spec": {
        "replicatedJobs": [
            {
                "name": "workers",
                "replicas": 1,
                "template": {
                    "spec": {
                        "parallelism": NODES,
                        "completions": NODES,
                        "backoffLimit": 0,
                        "template": {
                            "metadata": {"annotations": {"kueue.x-k8s.io/podset-required-topology": LEVEL}},
                            "spec": {
                                "restartPolicy": "Never",
                                "containers": [
                                    {
                                        "name": "trainer",
                                        "image": "ghcr.io/acme/trainer:1.0",
                                        "ports": [{"containerPort": 29500}],
                                        "resources": {
                                            "requests": {"cpu": "32", "memory": "256Gi"},
                                            "limits": {GPU: "8"},
                                        },
                                    }
                                ],
                            },
                        },
                    }
                },
            }
        ]
    },
}
# The labels the JobSet controller puts on its pods (kubernetes-sigs/jobset v0.12.0 api/jobset/v1alpha2
# jobset_types.go JobSetNameKey, ReplicatedJobNameKey).
POD_LABELS = {
    "jobset.sigs.k8s.io/jobset-name": "llm-pretrain",
    "jobset.sigs.k8s.io/replicatedjob-name": "workers",
}


def _pod_template(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["spec"]["replicatedJobs"][0]["template"]["spec"]["template"]


def _release(cluster: Cluster, chart: str) -> Any:
    found = [
        r for r in cluster.graph.of_type(HELM_RELEASE) if str(r.get("chart")).rsplit("/", 1)[-1] == chart
    ]
    return found[0] if found else None


def walk(cluster: Cluster, jobset: dict[str, Any], stop: bool = True) -> Journey:
    j = Journey(f"J1 multi-node JobSet of {TENANT} on {FLAVOR}", stop)
    release = _release(cluster, "jobset")
    j.link("JobSet API installed", release is not None, "no Helm release of the jobset chart")
    pinned = pinned_name("jobset")
    j.link(
        "at the pinned chart",
        release is not None and f"jobset-{release.get('version')}" == pinned,
        f"release version {release and release.get('version')} vs {pinned}",
    )
    try:
        validate_cr(jobset, pinned)
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
    queue_name = jobset["metadata"]["labels"]["kueue.x-k8s.io/queue-name"]
    local = cluster.named("LocalQueue", queue_name, TENANT)
    j.link("local queue", local is not None, f"no LocalQueue {queue_name} in {TENANT}")
    assert local is not None
    queue = cluster.named("ClusterQueue", local["spec"]["clusterQueue"])
    j.link("cluster queue", queue is not None, "the LocalQueue's ClusterQueue is missing")
    assert queue is not None
    j.link(
        "queue admits the namespace",
        selects(queue["spec"].get("namespaceSelector"), cluster.namespace_labels(TENANT)),
        f"the ClusterQueue's namespaceSelector does not select {TENANT}",
    )
    flavor = cluster.named("ResourceFlavor", FLAVOR)
    assert flavor is not None
    topology_name = flavor["spec"].get("topologyName")
    topology = cluster.named("Topology", topology_name) if topology_name else None
    j.link("flavor is topology-aware", topology is not None, f"{FLAVOR} names no Topology the plan creates")
    levels = [lv["nodeLabel"] for lv in (topology or {}).get("spec", {}).get("levels") or []]
    template = _pod_template(jobset)
    asked = template["metadata"]["annotations"].get("kueue.x-k8s.io/podset-required-topology")
    j.link("the Topology has the level asked for", asked in levels, f"{asked} not in {levels}")
    container = template["spec"]["containers"][0]
    pods = jobset["spec"]["replicatedJobs"][0]["template"]["spec"]["parallelism"]
    gpus_per_pod = q(container["resources"]["limits"][GPU])
    reach = reachable_quota(cluster, queue, FLAVOR, GPU)
    j.link(
        "cohort holds the whole JobSet's GPUs on the flavor",
        reach >= pods * gpus_per_pod,
        f"the queue reaches {reach} {GPU} of {FLAVOR}; the JobSet asks {pods} x {gpus_per_pod}",
    )
    pool = next(
        (
            p
            for p in cluster.pools.values()
            if selects({"matchLabels": flavor["spec"]["nodeLabels"]}, p.labels)
        ),
        None,
    )
    j.link("flavor selects a pool", pool is not None, "no pool carries the flavor's labels")
    assert pool is not None
    j.link("a node holds a pod's GPUs", pool.gpus >= gpus_per_pod, f"{pool.gpus} per node")
    j.link("pool grows to the JobSet's nodes", pool.max_nodes >= pods, f"{pool.name} max {pool.max_nodes}")
    missing = untolerated(list(flavor["spec"].get("tolerations") or []), pool)
    j.link("pods tolerate the pool's taints", not missing, f"untolerated on {pool.name}: {missing}")
    pod = defaulted(
        cluster,
        TENANT,
        Container(dict(container["resources"]["requests"]), dict(container["resources"]["limits"])),
    )
    errors = quota_errors(cluster, TENANT, pod)
    j.link("tenant quota admits each pod", not errors, "; ".join(errors))
    peer = Pod(TENANT, dict(POD_LABELS))
    ok, why = connection(cluster, peer, peer, 29500)
    j.link("the JobSet's pods reach each other", ok, why)
    return j


@pytest.fixture(scope="module")
def multinode(cluster_of: Callable[[str], Cluster]) -> Cluster:
    return cluster_of(STACK)


def test_a_queued_jobset_is_admitted_on_the_topology_aware_gpu_flavor(multinode: Cluster) -> None:
    assert len(walk(multinode, JOBSET).links) == 20


def test_the_jobset_walk_can_fail(multinode: Cluster) -> None:
    """Each piece removed breaks its link: a JobSet the CRD refuses, Kueue without the integration, the
    tenants' Role without JobSets, the flavor without its Topology."""
    bad = copy.deepcopy(JOBSET)
    bad["spec"]["replicatedJobs"][0]["replica"] = 1  # a misspelt field the API server would prune
    assert "JobSet valid against the pinned CRD" in walk(multinode, bad, stop=False).broken

    cluster = copy.copy(multinode)
    cluster.objects = copy.deepcopy(multinode.objects)
    for role in cluster.of_kind("Role", TENANT):
        role["rules"] = [
            r for r in role.get("rules") or [] if "jobset.x-k8s.io" not in r.get("apiGroups", [])
        ]
    for flavor in cluster.of_kind("ResourceFlavor"):
        flavor["spec"].pop("topologyName", None)
    broken = walk(cluster, JOBSET, stop=False).broken
    assert "tenant admins may create JobSets in their namespace" in broken
    assert "flavor is topology-aware" in broken

    class WithoutJobSets(Cluster):
        def kueue_config(self) -> dict[str, Any]:
            config = copy.deepcopy(multinode.kueue_config())
            config["integrations"]["frameworks"] = ["batch/job"]
            return config

    plain = copy.copy(multinode)
    plain.__class__ = WithoutJobSets
    assert "Kueue integrates JobSets" in walk(plain, JOBSET, stop=False).broken
