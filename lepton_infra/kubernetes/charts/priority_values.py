"""The platform's priority class (`lepton-platform`, kubernetes/priority.py) as Helm values: for each chart,
every key a pod template of it reads its `priorityClassName` from, read from the chart's templates at the
pinned tag (2026-12-07). Set on components the platform leaves disabled too, so enabling one later cannot
forget it. Every release naming the class waits for it (PlatformAddons creates it).

Left at the chart's own critical class, which outranks ours: metrics-server 3.13.1 and cluster-autoscaler
9.59.0 (`system-cluster-critical`, values.yaml), the AWS Load Balancer Controller 3.5.0 (the same), the GPU
operator v26.7.0 (operator, operands and NFD at `system-node-critical`). What no key reaches is a Helm hook
Job (docs/kubernetes.md, "Platform priority"); tests/invariants/test_platform_priority.py lists every
chart's pod templates and checks the effective class of each over the six shipped plans.
"""

from __future__ import annotations

from typing import Any

from lepton_infra.kubernetes.priority import PLATFORM_PRIORITY

_AT = {"priorityClassName": PLATFORM_PRIORITY.name}

# kube-prometheus-stack 88.5.3: the operator's Deployment (templates/prometheus-operator/deployment.yaml;
# the key is only a comment in values.yaml), the admission webhook's Deployment and its certificate Jobs,
# and the Prometheus, Alertmanager and ThanosRuler resources, whose `priorityClassName` the operator copies
# into their StatefulSets. Subcharts, each reading its top-level key: grafana 12.11.1 (templates/_pod.tpl;
# its image renderer has its own), kube-state-metrics 8.4.0, prometheus-node-exporter 4.56.1 (a DaemonSet:
# at this class its pod may preempt a tenant pod on a full node rather than leave the node unwatched).
KUBE_PROMETHEUS_STACK_PRIORITY: dict[str, Any] = {
    "prometheusOperator": {**_AT, "admissionWebhooks": {"deployment": _AT, "patch": _AT}},
    "prometheus": {"prometheusSpec": _AT},
    "alertmanager": {"alertmanagerSpec": _AT},
    "thanosRuler": {"thanosRulerSpec": _AT},
    "grafana": {**_AT, "imageRenderer": _AT},
    "kube-state-metrics": _AT,
    "prometheus-node-exporter": _AT,
}

# KEDA 2.20.2: one key for the operator, metrics server and webhooks (templates/*/deployment.yaml).
KEDA_PRIORITY: dict[str, Any] = dict(_AT)

# KEDA HTTP add-on 0.15.0: one key per component in its templates (interceptor/, operator/, scaler/
# deployment.yaml), none of them in values.yaml. The interceptor is the one a full system pool hurts first:
# it scales out with request load.
KEDA_HTTP_ADD_ON_PRIORITY: dict[str, Any] = {c: _AT for c in ("interceptor", "operator", "scaler")}

# Kueue 0.19.2: the controller (templates/manager/manager.yaml) and KueueViz (kueueviz/*-deployment.yaml).
KUEUE_PRIORITY: dict[str, Any] = {
    "controllerManager": {"manager": _AT},
    "kueueViz": {"backend": _AT, "frontend": _AT},
}

# cert-manager v1.21.1: `global.priorityClassName` for the controller, webhook, cainjector and the
# startupapicheck Job (templates/*deployment.yaml, startupapicheck-job.yaml).
CERT_MANAGER_PRIORITY: dict[str, Any] = {"global": _AT}
