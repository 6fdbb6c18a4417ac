"""An LLM answer is not cut on its way out (issue 30): the prod stacks' `chat` (vLLM, max_model_len 8192,
scaling to zero behind the KEDA interceptor, routed inside the VPC) waits for a whole non-streaming answer
at every hop. One figure, kubernetes/serving/answer_time.py: 5 s to the first token and 8192 tokens at
4 tokens/s, up to the minute, 2100 s. Inside: the HTTPScaledObject's `spec.timeouts.responseHeader`
overrides the interceptor's global 120 s for chat alone (http-add-on v0.15.0). Outside: the cold-start wait
(1200 s) plus the answer, 3300 s, on the route (GKE GCPBackendPolicy, AKS NGINX), and the load balancers'
idle timeouts (ALB 3300 + 60 s; Azure LB 56 minutes). Each value written literally: each assertion fails
when its piece is removed (the plans before this change had 1260 s, 1320 s and 30 minutes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.plan.record import PlannedGraph
from tests.conftest import PLATFORM_STACK_DIR
from tests.stacks.test_llm_service import PROD, one

HTTP_SCALED_OBJECT = "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
RELEASE = "kubernetes:helm.sh/v3:Release"
NGINX = "nginx.ingress.kubernetes.io/"


def _scaler(graph: PlannedGraph, service: str) -> dict:
    return one(graph, HTTP_SCALED_OBJECT, f"acme-ai-k8s-svc-{service}-http-scaler").inputs["spec"]


@pytest.mark.parametrize("stack", PROD)
def test_the_interceptor_waits_for_a_whole_answer_from_the_engine_alone(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    assert _scaler(graph, "chat")["timeouts"] == {"responseHeader": "2100s"}
    # Any other service keeps the interceptor's global response-header timeout.
    assert "timeouts" not in _scaler(graph, "sentiment")
    (release,) = [r for r in graph.of_type(RELEASE) if r.name.endswith("-http-add-on")]
    interceptor = release.inputs["values"]["interceptor"]
    assert (interceptor["responseHeaderTimeout"], interceptor["readinessTimeout"]) == ("120s", "20m")


def test_aws_albs_idle_timeout_outlasts_a_cold_start_and_an_answer(
    plan_stack: Callable[[Path, str], PlannedGraph],
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, "aws-prod")
    for service in ("chat", "sentiment", "embeddings"):  # one ALB (IngressGroup): one attribute set
        annotations = one(graph, INGRESS, f"acme-ai-k8s-traffic-ingress-{service}").inputs["metadata"][
            "annotations"
        ]
        attributes = annotations["alb.ingress.kubernetes.io/load-balancer-attributes"].split(",")
        assert "idle_timeout.timeout_seconds=3360" in attributes


def test_gke_interceptor_backend_timeout_outlasts_a_cold_start_and_an_answer(
    plan_stack: Callable[[Path, str], PlannedGraph],
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, "gcp-prod")
    policy = one(
        graph,
        "kubernetes:networking.gke.io/v1:GCPBackendPolicy",
        "acme-ai-k8s-traffic-gcpbackendpolicy-keda-keda-add-ons-http-interceptor-proxy-backend",
    )
    assert policy.inputs["spec"]["default"]["timeoutSec"] == 3300


def test_aks_nginx_and_load_balancer_outlast_a_cold_start_and_an_answer(
    plan_stack: Callable[[Path, str], PlannedGraph],
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, "azure-prod")
    annotations = one(graph, INGRESS, "acme-ai-k8s-traffic-ingress-chat").inputs["metadata"]["annotations"]
    assert (annotations[f"{NGINX}proxy-read-timeout"], annotations[f"{NGINX}proxy-send-timeout"]) == (
        "3300",
        "3300",
    )
    controller = one(
        graph,
        "kubernetes:approuting.kubernetes.azure.com/v1alpha1:NginxIngressController",
        "acme-ai-traffic-lepton-internal",
    )
    lb = controller.inputs["spec"]["loadBalancerAnnotations"]
    assert lb["service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout"] == "56"
