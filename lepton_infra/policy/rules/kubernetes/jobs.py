"""Job-queue rules (Kueue), over `kubernetes:kueue.x-k8s.io/*` type tokens: the same on every cloud.

Jobs count as enabled when the stack declares ClusterQueues: a tenant namespace then needs a LocalQueue,
or its jobs cannot be queued at all (a Job naming a queue that does not exist stays suspended forever).
"""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.core.conventions import GPU_RESOURCE
from lepton_infra.policy.model import Enforcement, Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import as_list, as_mapping, is_unknown
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules.kubernetes.objects import (
    NAMESPACES_SCHEMA,
    in_namespace,
    objects_for,
    tenant_namespaces,
)
from lepton_infra.policy.rules.kubernetes.tokens import CLUSTER_QUEUE, K8S, LOCAL_QUEUE


@stack_rule(
    id="lepton-k8s-tenant-local-queue",
    title="Tenant namespaces have a LocalQueue when jobs are queued",
    severity=Severity.MEDIUM,
    clouds=K8S,
    description="Where the stack declares Kueue ClusterQueues, every tenant namespace has a LocalQueue: "
    "jobs are submitted to a LocalQueue by name, and a namespace without one can queue nothing.",
    remediation="Create a LocalQueue in the namespace pointing at the tenant's ClusterQueue (the platform "
    "makes `jobs` in every tenant namespace when `jobs.enabled`).",
    config_schema={"systemNamespaces": NAMESPACES_SCHEMA},
)
def tenant_local_queue(stack: StackView) -> Iterator[Finding]:
    if not stack.of_type(CLUSTER_QUEUE):
        raise NotApplicable("no ClusterQueue in the stack: jobs are not queued")
    index = in_namespace(stack, LOCAL_QUEUE)
    for ns, name in tenant_namespaces(stack):
        if not objects_for(ns, name, index):
            yield Finding(f"namespace {name or ns.name} has no LocalQueue", ns.urn)


@resource_rule(
    id="lepton-k8s-cluster-queue-cohort-limit",
    title="ClusterQueues are in a cohort with a borrowing limit",
    severity=Severity.LOW,
    types=(CLUSTER_QUEUE,),
    clouds=K8S,
    enforcement=Enforcement.ADVISORY,
    description="A ClusterQueue has a `cohortName` (else its idle quota is never lent and it never "
    "borrows) and a `borrowingLimit` on some of its GPU resources, or on some resource for a queue "
    "without GPUs (else it may borrow all of the cohort's idle GPUs, which come back only by preempting "
    "its jobs).",
    remediation="Set `tenants[].jobs.borrowing_limit` (the platform always sets the cohort).",
)
def cluster_queue_cohort_limit(r: ResourceView) -> Iterator[str]:
    cohort = r.get("spec.cohortName")
    if is_unknown(cohort):
        return
    if not cohort:
        yield "no cohortName: the queue neither lends nor borrows idle quota"
        return
    resources = [
        as_mapping(res)
        for group in as_list(r.get("spec.resourceGroups"))
        for flavor in as_list(as_mapping(group).get("flavors"))
        for res in as_list(as_mapping(flavor).get("resources"))
    ]
    # GPUs are what queues lend each other; CPU and memory may carry a limit (the platform's: 0) that says
    # nothing about the GPUs. A queue without GPUs is judged on what it covers.
    gpus = [res for res in resources if res.get("name") == GPU_RESOURCE]
    checked = gpus or resources
    if checked and not any("borrowingLimit" in res for res in checked):
        what = "GPUs" if gpus else "quota"
        yield f"no borrowingLimit on its {what}: it may borrow all the idle {what} of cohort {cohort}"
