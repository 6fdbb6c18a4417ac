"""The way in, on three hand-made clouds (tests/kubernetes/traffic_facts.py): an ALB-like Ingress API with
the cloud's certificates, a GKE-like Gateway API and an nginx-like Ingress API with cert-manager. aws-prod's
two services are exposed: `sentiment` (scale-to-zero on request rate: through the KEDA interceptor) public,
`embeddings` (HPA: its own Service) internal. Checked over the whole recorded plan: every object valid
(built-ins strictly, custom resources against their CRDs at the pinned versions), TLS and the right host on
every route, the class per exposure, HTTP only redirecting, the interceptor reached with a host its
HTTPScaledObject matches, health checks following readiness, draining and timeouts."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from lepton_infra.core.errors import SpecError
from tests.kubernetes.conftest import Planned, plan_addons
from tests.kubernetes.crd_schemas import validate_cr
from tests.kubernetes.harness import shipped_spec as raw_spec
from tests.kubernetes.manifests import HELM_RELEASE, builtin_objects, chart_name, manifest, validate_strict
from tests.kubernetes.routing import (
    CERTIFICATE,
    CLUSTER_ISSUER,
    DEPLOYMENT,
    GATEWAY,
    HTTP_ROUTE,
    HTTP_SCALED_OBJECT,
    INGRESS,
    NETWORK_POLICY,
    REFERENCE_GRANT,
    SERVICE,
    backends,
    certificates,
    docs,
    duration_seconds,
    interceptor,
    where,
)
from tests.kubernetes.test_k8s_chart_values import chart_keys, unknown_keys
from tests.kubernetes.traffic_facts import (
    CERTIFICATES,
    CLASSES,
    DOMAIN,
    FACTS,
    GKE_PEERS,
    NGINX_PEERS,
    VPC_PEERS,
    Recorder,
    exposed_network,
)

GATEWAY_API_VERSIONS = ["gateway-api-v1.2.1", "gateway-api-v1.4.1"]  # GKE's channel moves within these
CERT_MANAGER_CRDS = "cert-manager-v1.21.1"
HOSTS = {"sentiment": f"sentiment.{DOMAIN}", "embeddings": f"embeddings.{DOMAIN}"}
EXPOSURE = {"sentiment": "public", "embeddings": "internal"}


def plan(
    kind: str, rec: Recorder | None = None, network: dict[str, Any] | None = None, **spec: Any
) -> Planned:
    # The services this module exposes (aws-prod's LLM service `chat` is left out: its route is an
    # ordinary service's, tests/stacks/test_llm_service.py pins the rest).
    services = [
        {**s, "expose": EXPOSURE[s["name"]]}
        for s in raw_spec("aws-prod")["services"]
        if s["name"] in EXPOSURE
    ]
    net = network or exposed_network(public_services=True)
    return plan_addons(
        "aws-prod", ingress=lambda: FACTS[kind](rec), network=net, **{"services": services, **spec}
    )


@pytest.fixture(scope="module", params=sorted(FACTS))
def cloud(request: pytest.FixtureRequest) -> tuple[str, Planned, Recorder]:
    rec = Recorder()
    return request.param, plan(request.param, rec), rec


def test_every_builtin_object_validates_strictly(cloud) -> None:
    kind, planned, _ = cloud
    failures = []
    for r in builtin_objects(planned.graph):
        try:
            validate_strict(manifest(r), "1.33")
        except jsonschema.ValidationError as err:
            failures.append(f"{r.name}: {err.message} at {list(err.absolute_path)}")
    assert not failures
    kinds = {manifest(r)["kind"] for r in builtin_objects(planned.graph)}
    assert ("Ingress" in kinds) == (kind != "gke")


def test_custom_resources_match_their_crds_at_the_pinned_versions(cloud) -> None:
    kind, planned, _ = cloud
    gateway_docs = [d for t in (GATEWAY, HTTP_ROUTE, REFERENCE_GRANT) for d in docs(planned.graph, t)]
    cert_docs = [d for t in (CERTIFICATE, CLUSTER_ISSUER) for d in docs(planned.graph, t)]
    assert bool(gateway_docs) == (kind == "gke")
    assert bool(cert_docs) == (kind != "alb")  # an ALB serves ACM certificates: no cert-manager
    for doc in cert_docs:
        validate_cr(doc, CERT_MANAGER_CRDS)
    for version in GATEWAY_API_VERSIONS:
        for doc in gateway_docs:
            validate_cr(doc, version)


def test_the_crd_check_can_fail() -> None:
    planned = plan("gke")
    route = copy.deepcopy(docs(planned.graph, HTTP_ROUTE)[0])
    route["spec"]["rules"][0]["timeout"] = {"request": "300s"}  # misspelled: `timeouts`
    with pytest.raises(jsonschema.ValidationError):
        validate_cr(route, GATEWAY_API_VERSIONS[0])
    cert = copy.deepcopy(docs(planned.graph, CERTIFICATE)[0])
    del cert["spec"]["issuerRef"]["name"]
    with pytest.raises(jsonschema.ValidationError):
        validate_cr(cert, CERT_MANAGER_CRDS)
    cert = copy.deepcopy(docs(planned.graph, CERTIFICATE)[0])
    cert["spec"]["privateKey"]["algorithm"] = "DSA"
    with pytest.raises(jsonschema.ValidationError):
        validate_cr(cert, CERT_MANAGER_CRDS)


def test_each_route_has_tls_for_its_host_and_the_class_of_its_exposure(cloud) -> None:
    kind, planned, _ = cloud
    classes = CLASSES[kind]
    certs = certificates(planned.graph)
    seen = {}
    if kind == "gke":
        gateways = {d["metadata"]["name"]: d for d in docs(planned.graph, GATEWAY)}
        for route in docs(planned.graph, HTTP_ROUTE):
            if route["metadata"]["namespace"] == "lepton-ingress":
                continue  # the redirect routes
            (parent,) = route["spec"]["parentRefs"]
            gateway = gateways[parent["name"]]
            listener = next(ls for ls in gateway["spec"]["listeners"] if ls["name"] == parent["sectionName"])
            service = route["metadata"]["name"]
            assert route["spec"]["hostnames"] == [listener["hostname"]] == [HOSTS[service]]
            assert listener["protocol"] == "HTTPS" and listener["port"] == 443
            assert gateway["spec"]["gatewayClassName"] == classes[EXPOSURE[service]]
            (ref,) = listener["tls"]["certificateRefs"]
            cert = certs[(gateway["metadata"]["namespace"], ref["name"])]
            assert cert["spec"]["dnsNames"] == [HOSTS[service]]
            seen[service] = route
    else:
        for ing in docs(planned.graph, INGRESS):
            service = ing["metadata"]["name"]
            (rule,) = ing["spec"]["rules"]
            (tls,) = ing["spec"]["tls"]
            assert rule["host"] == HOSTS[service] and tls["hosts"] == [HOSTS[service]]
            assert ing["spec"]["ingressClassName"] == classes[EXPOSURE[service]]
            if CERTIFICATES[kind] == "cert-manager":
                cert = certs[(ing["metadata"]["namespace"], tls["secretName"])]
                assert cert["spec"]["dnsNames"] == [HOSTS[service]]
            else:
                assert "secretName" not in tls
            seen[service] = ing
    assert set(seen) == set(HOSTS)
    for service, doc in seen.items():  # the explicit flag is on the public route only
        assert (doc["metadata"]["annotations"].get("lepton.ai/exposure") == "public") == (
            EXPOSURE[service] == "public"
        )


def test_the_http_listener_only_redirects_to_https() -> None:
    graph = plan("gke").graph
    routes = docs(graph, HTTP_ROUTE)
    for gateway in docs(graph, GATEWAY):
        http = [ls for ls in gateway["spec"]["listeners"] if ls["protocol"] == "HTTP"]
        assert [ls["port"] for ls in http] == [80]
        attached = [
            r
            for r in routes
            for p in r["spec"]["parentRefs"]
            if p["name"] == gateway["metadata"]["name"] and p.get("sectionName") in (None, "http")
        ]
        assert len(attached) == 1
        for rule in attached[0]["spec"]["rules"]:
            assert "backendRefs" not in rule
            assert [
                f["requestRedirect"]["scheme"] for f in rule["filters"] if f["type"] == "RequestRedirect"
            ] == ["https"]
        # HTTPS listeners accept routes from tenant namespaces only; HTTP:80 only the Gateway's own.
        assert http[0]["allowedRoutes"]["namespaces"] == {"from": "Same"}
        for ls in gateway["spec"]["listeners"][1:]:
            assert ls["allowedRoutes"]["namespaces"]["selector"]["matchExpressions"] == [
                {"key": "lepton.ai/tenant", "operator": "Exists"}
            ]


def test_the_scale_to_zero_route_reaches_the_interceptor_with_a_host_it_matches(cloud) -> None:
    """Route -> backend Service -> HTTPScaledObject: the load balancer sends sentiment's host to the
    interceptor's proxy Service (the one the add-on release renders), which routes by Host header to the
    HTTPScaledObject listing that host; a Gateway route crosses namespaces only through a ReferenceGrant."""
    kind, planned, _ = cloud
    graph = planned.graph
    ns, proxy, port, _ = interceptor(graph)
    backend_ns, backend, backend_port, host = backends(graph)["sentiment"]
    assert (backend_ns, backend, backend_port) == (ns, proxy, port)
    (scaled,) = docs(graph, HTTP_SCALED_OBJECT)
    assert scaled["metadata"]["name"] == "sentiment"
    assert host in scaled["spec"]["hosts"] and "sentiment.research" in scaled["spec"]["hosts"]
    if kind == "gke":
        route = next(d for d in docs(graph, HTTP_ROUTE) if d["metadata"]["name"] == "sentiment")
        grants = [g for g in docs(graph, REFERENCE_GRANT) if g["metadata"]["namespace"] == ns]
        assert any(
            {
                "group": "gateway.networking.k8s.io",
                "kind": "HTTPRoute",
                "namespace": route["metadata"]["namespace"],
            }
            in g["spec"]["from"]
            and {"group": "", "kind": "Service", "name": proxy} in g["spec"]["to"]
            for g in grants
        )


def test_a_direct_route_reaches_its_service_and_pods_admit_the_data_plane(cloud) -> None:
    kind, planned, _ = cloud
    graph = planned.graph
    backend_ns, backend, port, _ = backends(graph)["embeddings"]
    service = next(d for d in docs(graph, SERVICE) if where(d) == (backend_ns, backend))
    (sport,) = [p for p in service["spec"]["ports"] if p["port"] == port]
    deployment = next(d for d in docs(graph, DEPLOYMENT) if where(d) == (backend_ns, backend))
    pod = deployment["spec"]["template"]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    (container,) = pod["spec"]["containers"]
    container_port = next(p["containerPort"] for p in container["ports"] if p["name"] == sport["targetPort"])
    peers = {"alb": VPC_PEERS, "gke": GKE_PEERS, "nginx": NGINX_PEERS}[kind]
    admitting = [
        p
        for p in docs(graph, NETWORK_POLICY)
        if p["metadata"]["namespace"] == backend_ns
        and p["spec"]["podSelector"].get("matchLabels", {}).items() <= pod["metadata"]["labels"].items()
        and any(rule.get("from") == peers for rule in p["spec"].get("ingress", []))
    ]
    assert [r["ports"] for p in admitting for r in p["spec"]["ingress"]] == [
        [{"protocol": "TCP", "port": container_port}]
    ]


def test_health_checks_follow_readiness_and_timeouts_outlast_a_cold_start(cloud) -> None:
    _, planned, rec = cloud
    graph = planned.graph
    targets = {t.service: t for t in rec.routes}
    assert set(targets) == set(HOSTS)
    deployment = next(d for d in docs(graph, DEPLOYMENT) if d["metadata"]["name"] == "embeddings")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    probe = container["readinessProbe"]["httpGet"]
    port = next(p["containerPort"] for p in container["ports"] if p["name"] == probe["port"])
    assert (targets["embeddings"].health_path, targets["embeddings"].health_port) == (probe["path"], port)
    # The interceptor's readinessProbe (keda-add-ons-http 0.15.0 templates/interceptor/deployment.yaml) is
    # /readyz on its admin container port, which the release sets; 0.15's proxy port serves no /readyz
    # (http-add-on v0.15.0 interceptor/admin.go), so a check there would fail every interceptor.
    _, _, _, values = interceptor(graph)
    admin_port = int(values["interceptor"]["admin"]["port"])
    assert (targets["sentiment"].health_path, targets["sentiment"].health_port) == ("/readyz", admin_port)
    wait = duration_seconds(values["interceptor"]["readinessTimeout"])
    headers = duration_seconds(values["interceptor"]["responseHeaderTimeout"])
    assert targets["sentiment"].request_timeout_seconds >= wait + headers
    for name in HOSTS:
        pod = next(d for d in docs(graph, DEPLOYMENT) if d["metadata"]["name"] == name)["spec"]["template"][
            "spec"
        ]
        if name == "sentiment":
            continue
        sleep = pod["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]
        assert sleep >= 10  # endpoint removal reaches the load balancers within seconds
        assert pod["terminationGracePeriodSeconds"] >= sleep + targets[name].drain_seconds


def test_entry_points_are_one_per_exposure_with_their_hosts(cloud) -> None:
    _, _, rec = cloud
    assert {(e.exposure, e.hosts) for e in rec.entry_points} == {
        ("public", (HOSTS["sentiment"],)),
        ("internal", (HOSTS["embeddings"],)),
    }


def test_gateway_policies_for_a_shared_backend_are_created_once() -> None:
    """Two scale-to-zero services share the interceptor Service: its GKE policies exist once."""
    base = raw_spec("aws-prod")["services"][0]
    # 4 each: the tenant's GPU quota (20) holds its services at max and its queue (8, and 3 borrowed).
    half = {**base["replicas"], "max": 4}
    services = [
        {**base, "expose": "internal", "replicas": half},
        {**base, "name": "sentiment2", "expose": "internal", "replicas": half},
    ]
    graph = plan("gke", services=services).graph
    policies = [r for r in graph.managed if r.type == "kubernetes:networking.gke.io/v1:HealthCheckPolicy"]
    assert [manifest(p)["metadata"]["namespace"] for p in policies] == ["keda"]
    assert len(docs(graph, HTTP_ROUTE)) == 3  # two services + the redirect


def test_private_ca_chain_and_hostcertificates() -> None:
    graph = plan("nginx").graph
    issuers = {d["metadata"]["name"]: d for d in docs(graph, CLUSTER_ISSUER)}
    certs = docs(graph, CERTIFICATE)
    (root,) = [c for c in certs if c["spec"].get("isCA")]
    signer = issuers[root["spec"]["issuerRef"]["name"]]
    assert signer["spec"] == {"selfSigned": {}}
    assert root["metadata"]["namespace"] == "cert-manager"  # where a ClusterIssuer reads its CA Secret
    assert root["spec"]["privateKey"] == {"algorithm": "ECDSA", "size": 256}
    (ca,) = [i for i in issuers.values() if "ca" in i["spec"]]
    assert ca["spec"]["ca"]["secretName"] == root["spec"]["secretName"]
    for cert in certs:
        if cert is not root:
            assert cert["spec"]["issuerRef"]["name"] == ca["metadata"]["name"]
    endpoints = next(r for r in graph.managed if r.type == "lepton:k8s:PlatformAddons").outputs[
        "service_endpoints"
    ]
    assert endpoints["sentiment"]["external_url"] == f"https://{HOSTS['sentiment']}/predict"
    assert endpoints["sentiment"]["ca_secret"] == f"cert-manager/{root['spec']['secretName']}"


def test_acme_issuer_uses_dns01_in_the_cloud_zone_with_the_bound_identity() -> None:
    rec = Recorder()
    net = exposed_network(public_services=True, tls_issuer="acme", acme_email="certs@acme.dev")
    graph = plan("gke", rec, network=net).graph
    (issuer,) = docs(graph, CLUSTER_ISSUER)
    acme = issuer["spec"]["acme"]
    assert acme["server"] == "https://acme-v02.api.letsencrypt.org/directory"
    assert acme["email"] == "certs@acme.dev"
    (solver,) = acme["solvers"]
    assert solver == {"selector": {"dnsZones": [DOMAIN]}, "dns01": {"cloudDNS": {"project": "acme-ai-prod"}}}
    (release,) = [r for r in graph.of_type(HELM_RELEASE) if chart_name(r) == "cert-manager"]
    values = release.get("values")
    ((_, namespace, account),) = rec.dns_bindings
    assert (namespace, account) == (release.get("namespace"), values["serviceAccount"]["name"])
    assert values["serviceAccount"]["annotations"] == {
        "iam.gke.io/gcp-service-account": "cert-manager@acme.iam.gserviceaccount.com"
    }
    assert all(c["spec"]["issuerRef"]["name"] == issuer["metadata"]["name"] for c in docs(graph, CERTIFICATE))
    assert (
        "ca_secret"
        not in next(r for r in graph.managed if r.type == "lepton:k8s:PlatformAddons").outputs[
            "service_endpoints"
        ]["sentiment"]
    )


def test_cert_manager_release_values_exist_in_its_chart_and_run_on_system_nodes() -> None:
    graph = plan(
        "nginx", network=exposed_network(public_services=True, tls_issuer="acme", acme_email="certs@acme.dev")
    ).graph
    (release,) = [r for r in graph.of_type(HELM_RELEASE) if chart_name(r) == "cert-manager"]
    values = release.get("values")
    assert list(unknown_keys(values, chart_keys(f"cert-manager-{release.get('version')}"))) == []
    assert values["crds"]["enabled"] is True
    assert values["global"]["nodeSelector"] == {"lepton.ai/pool": "system"}
    assert values["podLabels"] == {"azure.workload.identity/use": "true"}  # the identity webhook's label
    namespace = next(
        d for d in docs(graph, "kubernetes:core/v1:Namespace") if d["metadata"]["name"] == "cert-manager"
    )
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_acme_without_a_dns_zone_is_refused_for_cert_manager() -> None:
    from lepton_infra.core.traffic import IngressFacts

    def no_zone() -> IngressFacts:
        facts = FACTS["nginx"]()
        return IngressFacts(**{**facts.__dict__, "dns_zone": None})

    net = exposed_network(tls_issuer="acme", acme_email="certs@acme.dev")
    with pytest.raises(SpecError) as err:
        plan_addons("aws-prod", ingress=no_zone, network=net)
    assert [p.path for p in err.value.problems] == ["network.tls_issuer"]


def test_an_exposed_service_on_a_cluster_without_load_balancers_is_refused() -> None:
    with pytest.raises(SpecError) as err:
        plan_addons("aws-prod", network=exposed_network())
    assert [p.path for p in err.value.problems] == [
        "services[0].expose",
        "services[1].expose",
        "services[2].expose",  # chat, the LLM service
    ]


def test_no_traffic_objects_without_a_domain(prod) -> None:
    types = {r.type for r in prod.graph.managed}
    assert not types & {INGRESS, GATEWAY, HTTP_ROUTE, CERTIFICATE, "lepton:k8s:Traffic"}


TRAFFIC_RULES = ("lepton-k8s-public-lb-https-only", "lepton-k8s-public-exposure-flagged")


def test_the_traffic_policies_pass_on_what_the_layer_renders_and_catch_an_unflagged_route(cloud) -> None:
    """The rendered plan satisfies both traffic rules on every API (the public routes carry the flag,
    HTTP only redirects); the same plan with the flag stripped from the public route is caught."""
    from lepton_infra.policy.evaluate import evaluate_graph

    kind, planned, _ = cloud
    outcome = evaluate_graph(planned.graph)
    assert [v.message for rule in TRAFFIC_RULES for v in outcome.by_policy(rule)] == []
    graph = copy.deepcopy(planned.graph)
    kind_type = HTTP_ROUTE if kind == "gke" else INGRESS
    route = next(r for r in graph.of_type(kind_type) if r.inputs["metadata"]["name"] == "sentiment")
    route.inputs["metadata"]["annotations"].pop("lepton.ai/exposure")
    if kind == "gke":  # the route is in the tenant namespace, bound to the public Gateway
        assert [v.urn for v in evaluate_graph(graph).by_policy(TRAFFIC_RULES[1])] == [route.urn]
    else:  # an Ingress backed by the interceptor lives in `keda`: the ALB's scheme / the class say public
        assert evaluate_graph(graph).by_policy(TRAFFIC_RULES[1]) == []
        embeddings = next(r for r in graph.of_type(INGRESS) if r.inputs["metadata"]["name"] == "embeddings")
        embeddings.inputs["spec"]["ingressClassName"] = CLASSES[kind]["public"]
        embeddings.inputs["metadata"]["annotations"]["alb.ingress.kubernetes.io/scheme"] = "internet-facing"
        assert [v.urn for v in evaluate_graph(graph).by_policy(TRAFFIC_RULES[1])] == [embeddings.urn]


def _with(kind: str, **changes: Any):
    from lepton_infra.core.traffic import IngressFacts

    def make() -> IngressFacts:
        return IngressFacts(**{**FACTS[kind]().__dict__, **changes})

    return make


def test_an_exposure_the_cloud_has_no_class_for_is_refused() -> None:
    net = exposed_network(public_services=True)
    # The services this module exposes (aws-prod's LLM service `chat` is left out: its route is an
    # ordinary service's, tests/stacks/test_llm_service.py pins the rest).
    services = [
        {**s, "expose": EXPOSURE[s["name"]]}
        for s in raw_spec("aws-prod")["services"]
        if s["name"] in EXPOSURE
    ]
    with pytest.raises(SpecError) as err:
        plan_addons(
            "aws-prod",
            ingress=_with("nginx", classes={"internal": "lepton-internal"}),
            network=net,
            services=services,
        )
    assert [(p.path, p.value) for p in err.value.problems] == [("services[0].expose", "public")]


def test_a_gateway_api_without_crds_on_the_cluster_is_a_cloud_layer_bug() -> None:
    from lepton_infra.plan.engine import PlanFailed

    with pytest.raises(PlanFailed, match="Gateway API CRDs"):
        plan_addons(
            "aws-prod", ingress=_with("gke", gateway_api_crds_installed=False), network=exposed_network()
        )


def test_route_timeouts_where_the_gateway_honours_them() -> None:
    graph = plan_addons(
        "aws-prod", ingress=_with("gke", route_timeouts=True), network=exposed_network()
    ).graph
    routes = {d["metadata"]["name"]: d for d in docs(graph, HTTP_ROUTE)}
    timeouts = {
        n: r["spec"]["rules"][0]["timeouts"]["request"]
        for n, r in routes.items()
        if "https-redirect" not in n
    }
    # chat (the LLM service, max_model_len 8192) scales to zero like sentiment: its first request waits for
    # a cold start (1200 s), then for a whole non-streaming answer (5 s + 8192 tokens at 4 tokens/s, up to
    # the minute: 2100 s). sentiment shares the interceptor's backend, whose load-balancer timeout exists
    # once: it gets the longest (the interceptor still cuts sentiment's answers at 120 s).
    assert timeouts == {"sentiment": "3300s", "embeddings": "300s", "chat": "3300s"}
    for version in GATEWAY_API_VERSIONS:
        for doc in routes.values():
            validate_cr(doc, version)


def test_service_annotations_for_the_interceptor_are_refused() -> None:
    """The interceptor's proxy Service is the chart's and takes no annotations: a cloud asking for them
    would otherwise be silently ignored."""
    from lepton_infra.core.traffic import Decoration, IngressFacts, RouteTarget
    from lepton_infra.plan.engine import PlanFailed

    def make() -> IngressFacts:
        facts = FACTS["alb"]()

        def route(t: RouteTarget) -> Decoration:
            return Decoration(
                service_annotations={"alb.ingress.kubernetes.io/healthcheck-path": t.health_path}
            )

        return IngressFacts(**{**facts.__dict__, "decorate_route": route})

    with pytest.raises(PlanFailed, match="interceptor"):
        plan_addons("aws-prod", ingress=make, network=exposed_network())
    # On a direct route they land on the service's own Service.
    graph = plan_addons(
        "aws-prod",
        ingress=make,
        network=exposed_network(),
        services=[{**s, "replicas": {"min": 2, "max": 2}} for s in _services()],
    ).graph
    service = next(d for d in docs(graph, SERVICE) if where(d) == ("research", "sentiment"))
    assert service["metadata"]["annotations"] == {"alb.ingress.kubernetes.io/healthcheck-path": "/healthz"}


def _services() -> list[dict[str, Any]]:
    return [s for s in raw_spec("aws-prod")["services"] if s["name"] in EXPOSURE]


def test_the_shipped_stack_route_invariant_holds_on_exposed_plans(cloud) -> None:
    from tests.invariants.test_traffic_invariants import routes_are_sound
    from tests.kubernetes.harness import load_spec

    _, planned, _ = cloud
    spec = load_spec(
        "aws-prod",
        network=exposed_network(public_services=True),
        services=[{**s, "expose": EXPOSURE[s["name"]]} for s in _services()],
    )
    routes_are_sound(planned.graph, spec)
    broken = copy.deepcopy(planned.graph)
    (scaled,) = broken.of_type(HTTP_SCALED_OBJECT)
    scaled.inputs["spec"]["hosts"] = ["sentiment.research"]
    with pytest.raises(AssertionError):
        routes_are_sound(broken, spec)


CERT_MANAGER_METRICS = {
    line
    for line in (Path(__file__).parent / "crds" / "cert-manager-v1.21.1.metrics").read_text().splitlines()
    if line and not line.startswith("#")
}


def test_certificate_alerts_read_what_cert_manager_exports_and_it_is_scraped() -> None:
    graph = plan("gke").graph
    (release,) = [r for r in graph.of_type(HELM_RELEASE) if chart_name(r) == "cert-manager"]
    assert release.get("values")["prometheus"] == {"enabled": True, "servicemonitor": {"enabled": True}}
    (rule,) = [
        d
        for d in docs(graph, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
        if d["metadata"]["name"] == "lepton-certificates"
    ]
    assert rule["metadata"]["namespace"] == "cert-manager"
    alerts = {r["alert"]: r["expr"] for g in rule["spec"]["groups"] for r in g["rules"]}
    assert set(alerts) == {"CertificateNotReady", "CertificateExpiringSoon", "CertManagerMetricsMissing"}
    for name, expr in alerts.items():
        used = set(re.findall(r"\bcertmanager_[a-z_]+", expr))
        assert used and used <= CERT_MANAGER_METRICS, name
    text = (Path(__file__).resolve().parents[2] / "docs" / "kubernetes.md").read_text()
    for name in alerts:
        assert f"#### Alert {name}\n" in text
    # No certificate alerts where the cloud issues the certificates (no cert-manager to watch).
    assert not [
        d
        for d in docs(plan("alb").graph, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
        if d["metadata"]["name"] == "lepton-certificates"
    ]
