"""PrometheusRule, ServiceMonitor and ScaledObject have no schema in kubernetes-validate: assert the
fields their CRDs require, and what each one must say."""

from __future__ import annotations

from tests.kubernetes.manifests import is_custom_resource, manifest

PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"
SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"


def _common(doc: dict, api_version: str, kind: str) -> None:
    assert doc["apiVersion"] == api_version
    assert doc["kind"] == kind
    assert doc["metadata"]["name"]
    assert doc["metadata"]["namespace"]


def test_custom_resources_are_the_expected_kinds(prod) -> None:
    types = sorted({r.type for r in prod.graph.managed if is_custom_resource(r)})
    assert types == sorted([SCALED_OBJECT, PROMETHEUS_RULE, SERVICE_MONITOR])


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
    assert len(monitors) == 3  # DCGM exporter + one per service
    for r in monitors:
        doc = manifest(r)
        _common(doc, "monitoring.coreos.com/v1", "ServiceMonitor")
        assert doc["spec"]["selector"]["matchLabels"]
        assert doc["spec"]["endpoints"]
        for endpoint in doc["spec"]["endpoints"]:
            assert endpoint["port"]


def test_scaled_object_shape(prod) -> None:
    for r in prod.graph.of_type(SCALED_OBJECT):
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
