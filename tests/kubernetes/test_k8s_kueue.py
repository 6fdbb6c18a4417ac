"""Job queues (Kueue): flavors that land on the node pools the clouds actually create, per-tenant queues
with the spec's quota in one cohort, RBAC inside the tenant namespace, every Kueue object valid against
the CRDs of the pinned Kueue, and queue settings the quota promise forbids refused at spec time."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from lepton_infra.core.errors import SpecError
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR
from tests.kubernetes.conftest import plan_addons
from tests.kubernetes.harness import load_spec, raw_spec
from tests.kubernetes.manifests import HELM_RELEASE, chart_name, manifest, validate_strict

CRDS = json.loads((Path(__file__).parent / "crds" / "kueue-0.19.2.json").read_text())
KUEUE = "kueue.x-k8s.io/v1beta2"
FLAVOR = f"kubernetes:{KUEUE}:ResourceFlavor"
CLUSTER_QUEUE = f"kubernetes:{KUEUE}:ClusterQueue"
LOCAL_QUEUE = f"kubernetes:{KUEUE}:LocalQueue"
PROD_STACKS = ["aws-prod", "gcp-prod", "azure-prod"]
WRITE_VERBS = {"create", "update", "patch", "delete", "deletecollection", "*"}


def _docs(graph: PlannedGraph, kind_type: str) -> list[dict[str, Any]]:
    return [manifest(r) for r in graph.of_type(kind_type)]


def _spec(graph: PlannedGraph) -> PlatformSpec:
    return PlatformSpec.from_dict(json.loads(graph.config["lepton:platform"]))


def _taint(effect: str) -> str:
    return {
        "NO_SCHEDULE": "NoSchedule",
        "NO_EXECUTE": "NoExecute",
        "PREFER_NO_SCHEDULE": "PreferNoSchedule",
    }.get(effect, effect)


def _cloud_pools(graph: PlannedGraph) -> dict[str, tuple[dict[str, str], list[tuple[str, str, str]]]]:
    """Pool name -> (node labels, taints) as the cloud layer really creates the nodes."""
    pools = {}
    for r in graph.managed:
        if r.type == "aws:eks/nodeGroup:NodeGroup":
            labels, taints = (
                r.get("labels") or {},
                [(t["key"], t["value"], _taint(t["effect"])) for t in r.get("taints") or []],
            )
        elif r.type == "gcp:container/nodePool:NodePool":
            config = r.get("nodeConfig") or {}
            labels, taints = (
                config.get("labels") or {},
                [(t["key"], t["value"], _taint(t["effect"])) for t in config.get("taints") or []],
            )
        elif r.type == "azure-native:containerservice:AgentPool":
            labels = r.get("nodeLabels") or {}
            taints = []
            for t in r.get("nodeTaints") or []:
                kv, effect = t.rsplit(":", 1)
                key, value = kv.split("=", 1)
                taints.append((key, value, effect))
        else:
            continue
        if "lepton.ai/pool" in labels:
            pools[labels["lepton.ai/pool"]] = (dict(labels), taints)
    return pools


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_flavors_select_and_tolerate_the_cloud_node_pools(stack: str, plan_stack) -> None:
    """Each GPU pool's flavor selects exactly that pool's nodes (its labels are on the nodes the cloud
    creates, no other pool has them all) and tolerates every taint those nodes carry; spot and on-demand
    flavors are told apart; the CPU flavor selects nothing and tolerates nothing (untainted CPU nodes)."""
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    spec, pools = _spec(graph), _cloud_pools(graph)
    flavors = {d["metadata"]["name"]: d for d in _docs(graph, FLAVOR)}
    # The on-demand pools holding the kept-running embeddings are no flavor in prod (reserved_pools.py).
    reserved = {"aws-prod": "l4", "gcp-prod": "l4", "azure-prod": "t4"}[stack]
    job_pools = [p for p in spec.gpu_pools if p.name != reserved]
    assert set(flavors) == {"cpu"} | {f"gpu-{p.name}" for p in job_pools}
    assert flavors["cpu"].get("spec", {}) == {}
    for pool in job_pools:
        doc = flavors[f"gpu-{pool.name}"]
        selector = doc["spec"]["nodeLabels"]
        assert [name for name, (labels, _) in pools.items() if selector.items() <= labels.items()] == [
            pool.name
        ]
        tolerated = {(t["key"], t["value"], t["effect"]) for t in doc["spec"]["tolerations"]}
        assert set(pools[pool.name][1]) <= tolerated, pool.name
        assert doc["metadata"]["labels"]["lepton.ai/capacity"] == ("spot" if pool.spot else "on-demand")
    assert any(p.spot for p in job_pools) and any(not p.spot for p in job_pools)


# serving: 64 - (embeddings 4 + 1 + chat 2 + 1) x 2 CPU = 48; 256Gi - 5 x 8Gi - 3 x 10Gi = 186Gi
EXPECTED_COMPUTE = {"research": ("42", "168Gi"), "serving": ("48", "186Gi")}


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_every_tenant_has_a_queue_with_the_spec_quota(stack: str, plan_stack) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    spec = _spec(graph)
    queues = {d["metadata"]["name"]: d["spec"] for d in _docs(graph, CLUSTER_QUEUE)}
    assert set(queues) == {t.name for t in spec.tenants}
    gpu_pool = {f"gpu-{p.name}": p.name for p in spec.gpu_pools}
    for tenant in spec.tenants:
        jobs = tenant.jobs
        compute, group = queues[tenant.name]["resourceGroups"]
        # CPU and memory: one total on the label-less cpu flavor, never borrowed: the namespace quota
        # (64 CPU, 256Gi) less the services at max plus one surge pod, 2 CPU / 8Gi each (research:
        # sentiment 10 + 1; serving: embeddings 4 + 1, and chat 2 + 1 at 2 CPU / 10Gi).
        assert compute == {
            "coveredResources": ["cpu", "memory"],
            "flavors": [
                {
                    "name": "cpu",
                    "resources": [
                        {
                            "name": "cpu",
                            "nominalQuota": EXPECTED_COMPUTE[tenant.name][0],
                            "borrowingLimit": 0,
                        },
                        {
                            "name": "memory",
                            "nominalQuota": EXPECTED_COMPUTE[tenant.name][1],
                            "borrowingLimit": 0,
                        },
                    ],
                }
            ],
        }
        assert group["coveredResources"] == ["nvidia.com/gpu"]
        for flavor in group["flavors"]:
            got = {r["name"]: r for r in flavor["resources"]}
            want = (
                jobs.gpu_quota.get(gpu_pool[flavor["name"]], 0) if jobs and flavor["name"] in gpu_pool else 0
            )
            assert got["nvidia.com/gpu"]["nominalQuota"] == want, (tenant.name, flavor["name"])
            limit = jobs.borrowing_limit if jobs and flavor["name"] in gpu_pool else None
            assert got["nvidia.com/gpu"].get("borrowingLimit") == limit
            assert "lendingLimit" not in got["nvidia.com/gpu"]  # idle quota is lent in full
    research = {f["name"]: f for f in queues["research"]["resourceGroups"][1]["flavors"]}
    assert research["gpu-h100"]["resources"][0] == {
        "name": "nvidia.com/gpu",
        "nominalQuota": 8,
        "borrowingLimit": 8,
    }


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_queues_share_one_cohort_and_reclaim_lent_quota(stack: str, plan_stack) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    queues = _docs(graph, CLUSTER_QUEUE)
    assert len(queues) >= 2
    assert len({q["spec"]["cohortName"] for q in queues}) == 1
    for q in queues:
        # Kueue's own defaults are Never/Never: lent quota would never come back.
        assert q["spec"]["preemption"]["reclaimWithinCohort"] == "Any"
        assert q["spec"]["preemption"]["withinClusterQueue"] == "LowerPriority"
        assert q["spec"]["namespaceSelector"] == {
            "matchLabels": {"kubernetes.io/metadata.name": q["metadata"]["name"]}
        }


def test_preemption_and_quota_follow_the_spec() -> None:
    planned = plan_addons(
        tenants=[
            {
                "name": "research",
                # sentiment 10 + its surge 1 + queue 6 + 2 l4-spot borrowed from serving (spec/jobs_rules.py)
                "gpu_quota": 19,
                # sentiment (10 + 1) x 2 CPU + the queue's 16 (spec/queue_compute.py)
                "cpu_quota": "38",
                "admins": ["research-admins"],
                "jobs": {
                    "gpu_quota": {"h100": 4, "l4-spot": 2},
                    "cpu_quota": "16",
                    "memory_quota": "64Gi",
                    "preemption": {"reclaim_within_cohort": "LowerPriority", "within_cluster_queue": "Never"},
                },
            },
            # Every GPU pool needs queue quota somewhere, but the on-demand l4 pool (embeddings', kept
            # running) is no job flavor in prod: serving's queue is on l4-spot.
            # 10: embeddings 4 + 1, chat 2 + 1, its queue's 2 (spec/jobs_rules.py)
            {"name": "serving", "gpu_quota": 10, "jobs": {"gpu_quota": {"l4-spot": 2}, "borrowing_limit": 0}},
        ]
    )
    queues = {d["metadata"]["name"]: d["spec"] for d in _docs(planned.graph, CLUSTER_QUEUE)}
    research = queues["research"]
    assert research["preemption"]["reclaimWithinCohort"] == "LowerPriority"
    assert research["preemption"]["withinClusterQueue"] == "Never"
    flavors = {
        f["name"]: {r["name"]: r["nominalQuota"] for r in f["resources"]}
        for g in research["resourceGroups"]
        for f in g["flavors"]
    }
    assert flavors["cpu"] == {"cpu": "16", "memory": "64Gi"}
    assert flavors["gpu-h100"] == {"nvidia.com/gpu": 4}
    assert flavors["gpu-l4-spot"] == {"nvidia.com/gpu": 2}


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_local_queue_in_each_tenant_namespace_names_its_cluster_queue(stack: str, plan_stack) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    spec = _spec(graph)
    local = {d["metadata"]["namespace"]: d for d in _docs(graph, LOCAL_QUEUE)}
    assert set(local) == {t.name for t in spec.tenants}
    cluster_queues = {d["metadata"]["name"] for d in _docs(graph, CLUSTER_QUEUE)}
    for namespace, doc in local.items():
        assert doc["metadata"]["name"] == "jobs"
        assert doc["spec"]["clusterQueue"] == namespace and namespace in cluster_queues


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_tenant_jobs_rbac_stays_in_the_namespace_and_leaves_queues_alone(stack: str, plan_stack) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    spec = _spec(graph)
    kueue = graph.one("lepton:k8s:Kueue")
    inside = graph.descendants(kueue.urn)
    assert not [r for r in inside if "ClusterRole" in r.type]
    roles = {
        manifest(r)["metadata"]["namespace"]: manifest(r)
        for r in inside
        if r.type == "kubernetes:rbac.authorization.k8s.io/v1:Role"
    }
    bindings = {
        manifest(r)["metadata"]["namespace"]: manifest(r)
        for r in inside
        if r.type == "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
    }
    admins = {t.name: list(t.admins) for t in spec.tenants if t.admins}
    assert set(roles) == set(bindings) == set(admins)
    for namespace, role in roles.items():
        verbs = {
            (g, res): set(rule["verbs"])
            for rule in role["rules"]
            for g in rule["apiGroups"]
            for res in rule["resources"]
        }
        assert {"create", "watch"} <= verbs[("batch", "jobs")]
        assert {"get", "list", "watch"} <= verbs[("kueue.x-k8s.io", "workloads")]
        assert not [k for k, v in verbs.items() if k[0] == "kueue.x-k8s.io" and v & WRITE_VERBS]
        binding = bindings[namespace]
        assert binding["roleRef"] == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": role["metadata"]["name"],
        }
        assert sorted(s["name"] for s in binding["subjects"]) == sorted(admins[namespace])


def _validate(doc: dict[str, Any]) -> None:
    kind = CRDS["kinds"][doc["kind"]]
    assert ("namespace" in doc["metadata"]) == (kind["scope"] == "Namespaced"), doc["metadata"]
    body = {k: v for k, v in doc.items() if k != "metadata"}
    jsonschema.validate(body, kind["schema"])


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_kueue_objects_validate_against_the_pinned_crds(stack: str, plan_stack) -> None:
    """Structural schema of the v1beta2 CRDs at Kueue v0.19.2 (tests/kubernetes/crds/), plus the CEL rules
    jsonschema cannot evaluate: a resource list follows coveredResources, a borrowing limit needs a cohort."""
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    docs = [manifest(r) for t in (FLAVOR, CLUSTER_QUEUE, LOCAL_QUEUE) for r in graph.of_type(t)]
    assert {d["kind"] for d in docs} == {"ResourceFlavor", "ClusterQueue", "LocalQueue"}
    for doc in docs:
        assert doc["apiVersion"] == KUEUE
        _validate(doc)
    flavor_names = {d["metadata"]["name"] for d in docs if d["kind"] == "ResourceFlavor"}
    for doc in (d for d in docs if d["kind"] == "ClusterQueue"):
        for group in doc["spec"]["resourceGroups"]:
            for flavor in group["flavors"]:
                assert flavor["name"] in flavor_names
                assert [r["name"] for r in flavor["resources"]] == group["coveredResources"]
                if any("borrowingLimit" in r for r in flavor["resources"]):
                    assert doc["spec"].get("cohortName")


def test_the_crd_check_can_fail() -> None:
    good = manifest(plan_addons().graph.of_type(CLUSTER_QUEUE)[0])
    bad = copy.deepcopy(good)
    bad["spec"]["preemption"]["reclaimWithinCohort"] = "Always"
    with pytest.raises(jsonschema.ValidationError):
        _validate(bad)
    del bad["spec"]["resourceGroups"][0]["flavors"][0]["resources"][0]["nominalQuota"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(bad)


def test_kueue_release_runs_on_system_nodes_scraped_and_limited_to_tenants(prod) -> None:
    (release,) = [r for r in prod.graph.of_type(HELM_RELEASE) if chart_name(r) == "kueue"]
    assert release.get("chart") == "oci://registry.k8s.io/kueue/charts/kueue"
    assert release.get("repositoryOpts") is None  # Helm reads no repository index from an OCI registry
    assert release.get("namespace") == "kueue-system"
    values = release.get("values")
    system = [p for p in load_spec("aws-prod").node_pools if not p.is_gpu and not p.spot and p.min >= 1]
    assert values["controllerManager"]["nodeSelector"] == {"lepton.ai/pool": system[0].name}
    assert values["controllerManager"]["replicas"] >= 2
    assert values["enablePrometheus"] is True
    assert values["metrics"]["prometheusNamespace"] == "monitoring"
    config = yaml.safe_load(values["managerConfig"]["controllerManagerConfigYaml"])
    assert config["integrations"]["frameworks"] == ["batch/job"]
    # Kueue's webhooks and reconcilers see the tenant namespaces only, not the system ones.
    (expression,) = config["managedJobsNamespaceSelector"]["matchExpressions"]
    namespaces = {
        manifest(r)["metadata"]["name"]: manifest(r)["metadata"].get("labels", {})
        for r in prod.graph.of_type("kubernetes:core/v1:Namespace")
    }
    managed = {n for n, labels in namespaces.items() if expression["key"] in labels}
    assert expression["operator"] == "Exists"
    assert managed == {"research", "serving"}


def test_no_jobs_no_kueue() -> None:
    planned = plan_addons("aws-dev")
    assert not load_spec("aws-dev").jobs.enabled
    assert not planned.graph.of_type("lepton:k8s:Kueue")
    assert not [r for r in planned.graph.managed if "kueue" in r.type or chart_name(r) == "kueue"]


def _problems(mutate: Callable[[dict[str, Any]], None]) -> dict[str, str]:
    raw = raw_spec("aws-prod")
    mutate(raw)
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    return {p.path: p.why for p in err.value.problems}


def _research(raw: dict[str, Any], **jobs: Any) -> None:
    raw["tenants"][0]["jobs"] = {"gpu_quota": {"h100": 8}, **jobs}


def test_queue_gpu_quota_above_the_resource_quota_is_refused() -> None:
    problems = _problems(lambda raw: _research(raw, gpu_quota={"h100": 16, "l4-spot": 1}))
    assert "Kueue admits jobs on queue quota alone" in problems["tenants[0].gpu_quota"]


def test_queue_cpu_and_memory_above_the_resource_quota_are_refused() -> None:
    problems = _problems(lambda raw: _research(raw, cpu_quota="43", memory_quota="169Gi"))
    assert set(problems) == {"tenants[0].jobs.cpu_quota", "tenants[0].jobs.memory_quota"}


def test_queue_memory_at_the_ceiling_in_other_units_is_accepted() -> None:
    """The ceiling is what research's namespace quota (64 CPU, 256Gi) leaves beside sentiment at 10 + 1
    replicas of 2 CPU / 8Gi: 42 CPU, 168Gi."""
    raw = raw_spec("aws-prod")
    _research(raw, cpu_quota="42000m", memory_quota="172032Mi")
    assert PlatformSpec.from_dict(raw).tenants[0].jobs is not None


@pytest.mark.parametrize("pool", ["a100", "system"])
def test_quota_for_gpus_no_pool_offers_is_refused(pool: str) -> None:
    """A name that is no pool, or a CPU pool: no flavor would offer those GPUs."""
    problems = _problems(lambda raw: _research(raw, gpu_quota={pool: 2}))
    assert "no Kueue flavor" in problems[f"tenants[0].jobs.gpu_quota.{pool}"]


def test_borrowing_limit_with_a_single_tenant_is_refused() -> None:
    def one_tenant(raw: dict[str, Any]) -> None:
        raw["tenants"] = [{"name": "research", "gpu_quota": 16, "jobs": {"borrowing_limit": 4}}]
        raw["services"] = [dict(s, tenant="research") for s in raw["services"]]

    problems = _problems(one_tenant)
    assert "borrow" in problems["tenants[0].jobs.borrowing_limit"]


def test_tenant_jobs_without_the_queues_installed_are_refused() -> None:
    def disabled(raw: dict[str, Any]) -> None:
        raw["jobs"] = {"enabled": False}

    assert "tenants[0].jobs" in _problems(disabled)


def _doc_job() -> dict[str, Any]:
    text = (Path(__file__).resolve().parents[2] / "docs" / "kubernetes.md").read_text()
    block = text.split("A training Job:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    return yaml.safe_load(block)


def test_the_documented_training_job_is_valid_and_admissible(prod) -> None:
    """docs/kubernetes.md's example: strict-valid, names the tenant's LocalQueue, passes the namespace's
    restricted Pod Security, and asks for GPUs one flavor of the research queue guarantees on one node."""
    job = _doc_job()
    validate_strict(job, "1.33")
    namespace = job["metadata"]["namespace"]
    (local,) = [d for d in _docs(prod.graph, LOCAL_QUEUE) if d["metadata"]["namespace"] == namespace]
    assert job["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] == local["metadata"]["name"]
    pod = job["spec"]["template"]["spec"]
    accounts = {
        (d["metadata"]["namespace"], d["metadata"]["name"])
        for d in _docs(prod.graph, "kubernetes:core/v1:ServiceAccount")
    }
    assert (namespace, pod["serviceAccountName"]) in accounts
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    for container in pod["containers"]:
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    gpus = int(pod["containers"][0]["resources"]["requests"]["nvidia.com/gpu"])
    spec = load_spec("aws-prod")
    per_node = {f"gpu-{p.name}": p.gpu.count for p in spec.gpu_pools if p.gpu}
    (queue,) = [d["spec"] for d in _docs(prod.graph, CLUSTER_QUEUE) if d["metadata"]["name"] == namespace]
    fits = [
        f["name"]
        for g in queue["resourceGroups"]
        for f in g["flavors"]
        if f["name"] in per_node
        and per_node[f["name"]] >= gpus
        and next(r for r in f["resources"] if r["name"] == "nvidia.com/gpu")["nominalQuota"] >= gpus
    ]
    assert fits == ["gpu-h100"]


KUEUE_METRICS = {
    line
    for line in (Path(__file__).parent / "crds" / "kueue-0.19.2.metrics").read_text().splitlines()
    if line and not line.startswith("#")
}


def _unknown_kueue_metrics(expr: str) -> set[str]:
    return set(re.findall(r"\bkueue_[a-z_]+", expr)) - KUEUE_METRICS


def test_job_alerts_read_metrics_the_pinned_kueue_exports(prod) -> None:
    rules = [
        d
        for d in _docs(prod.graph, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
        if d["metadata"]["name"] == "lepton-jobs"
    ]
    (doc,) = rules
    assert doc["metadata"]["namespace"] == "kueue-system"
    alerts = {r["alert"]: r["expr"] for g in doc["spec"]["groups"] for r in g["rules"]}
    assert {
        "JobsInadmissible",
        "JobsPendingTooLong",
        "JobsAdmissionCheckRejected",
        "JobsQueueAtQuota",
        "KueueMetricsMissing",
    } == set(alerts)
    for name, expr in alerts.items():
        assert re.findall(r"\bkueue_[a-z_]+", expr), name
        assert _unknown_kueue_metrics(expr) == set(), name
    # Per tenant: every aggregation keeps the queue (the tenant) in the alert's labels.
    assert all("by (cluster_queue)" in e for n, e in alerts.items() if n != "KueueMetricsMissing")
    assert _unknown_kueue_metrics("kueue_pending_workload_total > 0") == {"kueue_pending_workload_total"}


def test_every_job_alert_has_a_runbook_section() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "kubernetes.md").read_text()
    from lepton_infra.kubernetes.jobs.alerts import job_alert_rules

    for rule in job_alert_rules():
        assert f"#### Alert {rule.name}\n" in text


def test_queue_dashboard_reads_kueue_metrics_and_is_loaded_by_grafana(prod) -> None:
    """A ConfigMap in Grafana's own namespace with the sidecar's label (the GPU dashboard's way), whose
    queries read only metric families the pinned Kueue exports, per queue, never counting a follower."""
    import json as json_

    (cm,) = [
        r
        for r in prod.graph.of_type("kubernetes:core/v1:ConfigMap")
        if manifest(r)["metadata"]["name"] == "lepton-job-queues-dashboard"
    ]
    doc = manifest(cm)
    (kps,) = [r for r in prod.graph.of_type(HELM_RELEASE) if chart_name(r) == "kube-prometheus-stack"]
    sidecar = kps.get("values")["grafana"]["sidecar"]["dashboards"]
    assert doc["metadata"]["labels"][sidecar["label"]] == sidecar["labelValue"]
    assert doc["metadata"]["namespace"] == kps.get("namespace")
    dashboard = json_.loads(doc["data"]["lepton-job-queues.json"])
    exprs = {p["title"]: " ".join(t["expr"] for t in p["targets"]) for p in dashboard["panels"]}
    for title, expr in exprs.items():
        assert re.findall(r"\bkueue_[a-z_]+", expr) and _unknown_kueue_metrics(expr) == set(), title
        assert "by (cluster_queue" in expr, title
        assert expr.count("kueue_") == expr.count('replica_role!="follower"'), title
    assert "kueue_pending_workloads" in exprs["Workloads pending"]
    assert "kueue_admitted_active_workloads" in exprs["Workloads admitted (running)"]
    borrowed = exprs["GPUs borrowed from the cohort"]
    assert (
        "kueue_cluster_queue_resource_usage" in borrowed and "kueue_cluster_queue_nominal_quota" in borrowed
    )
    assert "nvidia.com/gpu" in borrowed
