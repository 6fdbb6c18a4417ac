"""PrometheusRule, ServiceMonitor, ScaledObject and HTTPScaledObject have no schema in kubernetes-validate:
assert the
fields their CRDs require, and what each one must say. (Kueue's objects are validated against the pinned
CRDs in test_k8s_kueue.py.)"""

from __future__ import annotations

from tests.kubernetes.conftest import plan_addons
from tests.kubernetes.manifests import is_custom_resource, manifest

# The aws-prod spec these plans start from refuses tag-only images (services[].image).
DIGEST = "sha256:" + "0" * 64

PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"
SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"
HTTP_SCALED_OBJECT = "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject"


def _common(doc: dict, api_version: str, kind: str) -> None:
    assert doc["apiVersion"] == api_version
    assert doc["kind"] == kind
    assert doc["metadata"]["name"]
    assert doc["metadata"]["namespace"]


def test_custom_resources_are_the_expected_kinds(prod) -> None:
    types = sorted({r.type for r in prod.graph.managed if is_custom_resource(r)})
    kueue = [
        f"kubernetes:kueue.x-k8s.io/v1beta2:{kind}"
        for kind in ("ClusterQueue", "LocalQueue", "ResourceFlavor", "WorkloadPriorityClass")
    ]
    assert types == sorted([HTTP_SCALED_OBJECT, PROMETHEUS_RULE, SERVICE_MONITOR, SCALED_OBJECT, *kueue])


def test_prometheus_rule_shape(prod) -> None:
    for r in prod.graph.of_type(PROMETHEUS_RULE):
        doc = manifest(r)
        _common(doc, "monitoring.coreos.com/v1", "PrometheusRule")
        groups = doc["spec"]["groups"]
        assert groups
        for group in groups:
            assert group["name"]
            assert group["rules"]
            for rule in group["rules"]:
                assert isinstance(rule["expr"], str) and rule["expr"]
                assert ("alert" in rule) != ("record" in rule)  # exactly one of them
                assert rule["labels"]["severity"] in {"warning", "critical"}


def test_service_monitor_shape(prod) -> None:
    monitors = prod.graph.of_type(SERVICE_MONITOR)
    assert len(monitors) == 4  # DCGM exporter + one per service (sentiment, embeddings, chat)
    for r in monitors:
        doc = manifest(r)
        _common(doc, "monitoring.coreos.com/v1", "ServiceMonitor")
        assert doc["spec"]["selector"]["matchLabels"]
        assert doc["spec"]["endpoints"]
        for endpoint in doc["spec"]["endpoints"]:
            assert endpoint["port"]


def test_scaled_object_shape() -> None:
    """The shipped stacks scale to zero on request rate only (HTTP add-on); a queue-length service
    renders the ScaledObject."""
    planned = plan_addons(
        services=[
            {
                "name": "batcher",
                "tenant": "research",
                "image": f"ghcr.io/acme/batch:3@{DIGEST}",
                "replicas": {"min": 0, "max": 3},
                "scaling": {"metric": "queue_length", "target": 5},
            }
        ]
    )
    objects = planned.graph.of_type(SCALED_OBJECT)
    assert len(objects) == 1
    for r in objects:
        doc = manifest(r)
        _common(doc, "keda.sh/v1alpha1", "ScaledObject")
        spec = doc["spec"]
        assert spec["scaleTargetRef"]["name"]
        assert spec["triggers"]
        for trigger in spec["triggers"]:
            assert trigger["type"]
            assert isinstance(trigger["metadata"], dict)
            # KEDA reads trigger metadata as strings only.
            assert all(isinstance(v, str) for v in trigger["metadata"].values())


# What the HTTPScaledObject CRD (keda-add-ons-http 0.12) declares: spec.scaleTargetRef with `service` and
# exactly one of `port`/`portName`; int32 replicas and scaledownPeriod; scalingMetric with exactly one of
# requestRate/concurrency, whose targetValue is an integer and granularity/window duration strings.
HTTP_SPEC_FIELDS = {
    "hosts",
    "pathPrefixes",
    "headers",
    "scaleTargetRef",
    "replicas",
    "scalingMetric",
    "scaledownPeriod",
    "initialCooldownPeriod",
    "timeouts",
    "coldStartTimeoutFailoverRef",
    "targetPendingRequests",
}
HTTP_TARGET_FIELDS = {"name", "kind", "apiVersion", "service", "port", "portName"}


def test_http_scaled_object_shape(prod) -> None:
    objects = prod.graph.of_type(HTTP_SCALED_OBJECT)
    assert len(objects) == 2  # sentiment (request rate), chat (an engine: concurrency), both from zero
    for r in objects:
        doc = manifest(r)
        _common(doc, "http.keda.sh/v1alpha1", "HTTPScaledObject")
        spec = doc["spec"]
        assert set(spec) <= HTTP_SPEC_FIELDS
        target = spec["scaleTargetRef"]
        assert set(target) <= HTTP_TARGET_FIELDS
        assert isinstance(target["service"], str) and target["service"]
        assert ("port" in target) != ("portName" in target)
        assert isinstance(target["port"], int)
        assert all(isinstance(h, str) and h for h in spec["hosts"])
        assert all(isinstance(p, str) and p.startswith("/") for p in spec["pathPrefixes"])
        assert set(spec["replicas"]) == {"min", "max"}
        assert all(isinstance(v, int) for v in spec["replicas"].values())
        assert isinstance(spec["scaledownPeriod"], int)
        metric = spec["scalingMetric"]
        assert len(metric) == 1 and set(metric) <= {"requestRate", "concurrency"}
        if "concurrency" in metric:  # an inference engine: requests in flight (CRD: targetValue only)
            assert set(metric["concurrency"]) == {"targetValue"}
            assert isinstance(metric["concurrency"]["targetValue"], int)
            assert metric["concurrency"]["targetValue"] >= 1
            continue
        rate = metric["requestRate"]
        assert set(rate) <= {"targetValue", "granularity", "window"}
        assert isinstance(rate["targetValue"], int) and rate["targetValue"] >= 1
        assert isinstance(rate["granularity"], str) and isinstance(rate["window"], str)
