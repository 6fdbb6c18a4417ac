"""J2: an inference request reaches a service (scaled to zero or not) and gets an answer: from a pod of
the same tenant, of another tenant and of the platform, through the URL the stack publishes; from outside
through its load balancer's host; the service wakes and scales on its own metric; its replicas have room
for a model; in prod, a service kept running survives losing a node."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.journeys.admission import q
from tests.journeys.cluster import Cluster, Journey, selects
from tests.journeys.conftest import ALL
from tests.journeys.network import Pod, connection

INTERCEPTOR = Pod("keda", {"app.kubernetes.io/component": "interceptor"})
CACHE_VARIABLES = ("HF_HOME", "XDG_CACHE_HOME", "HOME")  # where model libraries download weights
DEFAULT_MODEL_GB = 20  # services[].model_cache_gb's documented default: what a replica must hold
METRIC_SERIES = {
    "requests_per_second": "http_requests_total",
    "queue_length": "lepton_queue_length",
    "engine_queue": "vllm:num_requests_waiting",  # the engine's own gauge (spec/engines.py)
}


def _deployment(cluster: Cluster, svc: dict[str, Any]) -> dict[str, Any]:
    d = cluster.named("Deployment", svc["name"], svc["tenant"])
    assert d is not None, f"no Deployment {svc['name']}"
    return d


def _pods(cluster: Cluster, svc: dict[str, Any]) -> Pod:
    labels = _deployment(cluster, svc)["spec"]["template"]["metadata"]["labels"]
    return Pod(svc["tenant"], dict(labels))


def _mounted_size_gb(pod_spec: dict[str, Any], path: str) -> float:
    """The size limit of the volume a path is on (0 when the root filesystem, which is read-only)."""
    container = pod_spec["containers"][0]
    mounts = sorted(container.get("volumeMounts") or [], key=lambda m: -len(m["mountPath"]))
    mount = next((m for m in mounts if path == m["mountPath"] or path.startswith(m["mountPath"] + "/")), None)
    if mount is None:
        return 0
    volume = next(v for v in pod_spec["volumes"] if v["name"] == mount["name"])
    limit = (volume.get("emptyDir") or {}).get("sizeLimit")
    return float(q(limit) / q("1Gi")) if limit else 0


def _walk(cluster: Cluster, svc: dict[str, Any], stop: bool = True) -> Journey:
    name, tenant = svc["name"], svc["tenant"]
    j = Journey(f"J2 {name} ({tenant})", stop)
    endpoint = (cluster.graph.outputs.get("service_endpoints") or {}).get(name)
    j.link("published endpoint", bool(endpoint), "no service_endpoints output")
    url = urlsplit(endpoint["url"])
    target = _pods(cluster, svc)
    port = int(svc.get("port", 8080))
    via_interceptor = url.hostname.startswith("keda-add-ons-http-interceptor-proxy.keda")
    callers = {
        "same tenant": Pod(tenant, {"app": "client"}),
        "platform": Pod("monitoring", {"app": "client"}),
    }
    others = [t["name"] for t in cluster.tenants if t["name"] != tenant]
    if others:
        callers["another tenant"] = Pod(others[0], {"app": "client"})
    for who, caller in callers.items():
        if via_interceptor:
            ok, why = connection(cluster, caller, INTERCEPTOR, int(url.port or 80))
            j.link(f"{who} reaches the interceptor", ok, why)
            ok, why = connection(cluster, INTERCEPTOR, target, port)
            j.link("interceptor reaches the service", ok, why)
        else:
            ok, why = connection(cluster, caller, target, port)
            j.link(f"{who} reaches the service", ok, why)
    minimum = (svc.get("replicas") or {}).get("min", 0)
    metric = (svc.get("scaling") or {}).get("metric", "requests_per_second")
    hso = cluster.named("HTTPScaledObject", name, tenant)
    so = cluster.named("ScaledObject", name, tenant)
    hpa = cluster.named("HorizontalPodAutoscaler", name, tenant)
    if via_interceptor:
        j.link(
            "request wakes the service",
            hso is not None and hso["spec"]["replicas"]["min"] == 0,
            "no HTTPScaledObject",
        )
        assert hso is not None
        j.link(
            "interceptor routes the host",
            endpoint["host"] in hso["spec"]["hosts"],
            f"{endpoint['host']} not routed",
        )
        if endpoint.get("external_url"):
            host = urlsplit(endpoint["external_url"]).hostname
            j.link(
                "interceptor routes the load balancer's host",
                host in hso["spec"]["hosts"],
                f"{host} not routed",
            )
    else:
        queries = [
            t["metadata"]["query"]
            for t in (so or {}).get("spec", {}).get("triggers", [])
            if t["type"] == "prometheus"
        ]
        j.link(
            f"scales on {metric}",
            any(METRIC_SERIES[metric] in qry for qry in queries),
            f"autoscaler {'HPA on CPU' if hpa else so} ignores scaling.metric {metric}",
        )
        kept = so["spec"]["minReplicaCount"] if so else None
        j.link("keeps its minimum", kept == minimum, f"minReplicaCount {kept}")
        if metric == "queue_length":
            monitors = [
                m
                for m in cluster.of_kind("ServiceMonitor", tenant)
                if not selects(m["spec"]["selector"], target.labels)
            ]
            names = {
                r.get("replacement")
                for m in monitors
                for e in m["spec"]["endpoints"]
                for r in e.get("relabelings") or []
                if r.get("targetLabel") == "service"
            }
            j.link(
                "queue exporter scraped and named after the service",
                name in names,
                f'no ServiceMonitor in {tenant} scrapes a queue exporter as service="{name}"',
            )
    pod_spec = _deployment(cluster, svc)["spec"]["template"]["spec"]
    env = {e["name"]: e.get("value", "") for e in pod_spec["containers"][0].get("env") or []}
    cache_dir = (
        next(env[v] for v in CACHE_VARIABLES if v in env) if any(v in env for v in CACHE_VARIABLES) else "/"
    )
    # An engine's replica downloads its model's weights (models[].size_gib) into the cache.
    models = {m["name"]: m for m in cluster.spec.get("models") or []}
    want = (
        models[svc["model"]]["size_gib"] if svc.get("model") else svc.get("model_cache_gb", DEFAULT_MODEL_GB)
    )
    room = _mounted_size_gb(pod_spec, cache_dir)
    j.link("room for the model", room >= want, f"{cache_dir} holds {room:g} GiB; the model needs {want} GiB")
    disk = q(pod_spec["containers"][0]["resources"]["requests"].get("ephemeral-storage", "0")) / q("1Gi")
    pools = [p for p in cluster.pools.values() if p.gpu_type == (svc.get("gpu") or {}).get("type")]
    j.link(
        "a node disk holds it",
        any(p.disk_gb >= disk for p in pools),
        f"{disk} GiB on {[p.disk_gb for p in pools]}",
    )
    if cluster.spec.get("environment") == "prod" and minimum >= 1:
        j.link("two replicas kept", minimum >= 2, f"replicas.min {minimum}: a drain takes the only replica")
        pdb = cluster.named("PodDisruptionBudget", name, tenant)
        j.link(
            "disruption budget keeps one serving",
            pdb is not None and int(pdb["spec"].get("maxUnavailable", 0)) < minimum,
            f"{pdb and pdb['spec']} with {minimum} replicas",
        )
        j.link(
            "on-demand capacity",
            any(not p.spot for p in pools),
            f"only spot pools offer {(svc.get('gpu') or {}).get('type')}: {[p.name for p in pools]}",
        )
    return j


@pytest.mark.parametrize("stack", ALL)
def test_every_service_answers_from_inside_and_scales_on_its_metric(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    assert cluster.services
    for svc in cluster.services:
        assert len(_walk(cluster, svc).links) >= 8


def _broken(stack: str, cluster_of: Callable[[str], Cluster], link: str) -> dict[str, str]:
    cluster = cluster_of(stack)
    out, reached = {}, 0
    for svc in cluster.services:
        journey = _walk(cluster, svc, stop=False)
        reached += link in journey.links
        out.update({svc["name"]: journey.broken[link]} if link in journey.broken else {})
    assert reached, f"no J2 journey of {stack} has the link '{link}'"
    return out


# Each defect of issue 26 J2 on its own, on the stacks that had it.
@pytest.mark.parametrize("stack", ["aws-dev", "gcp-prod", "azure-prod"])
def test_a_tenant_reaches_its_own_scale_to_zero_service(stack, cluster_of) -> None:
    assert _broken(stack, cluster_of, "same tenant reaches the interceptor") == {}


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-dev", "azure-dev"])
def test_a_replica_has_room_for_a_model(stack, cluster_of) -> None:
    assert _broken(stack, cluster_of, "room for the model") == {}


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod", "azure-prod"])
def test_a_running_service_scales_on_its_metric(stack, cluster_of) -> None:
    assert _broken(stack, cluster_of, "scales on requests_per_second") == {}


def test_a_queue_length_service_can_wake(cluster_of) -> None:
    assert _broken("aws-prod+queue", cluster_of, "queue exporter scraped and named after the service") == {}


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod", "azure-prod"])
@pytest.mark.parametrize(
    "link", ["two replicas kept", "disruption budget keeps one serving", "on-demand capacity"]
)
def test_a_prod_service_kept_running_survives_losing_a_node(stack, link, cluster_of) -> None:
    assert _broken(stack, cluster_of, link) == {}
