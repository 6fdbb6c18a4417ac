"""AWS traffic (issue 14): the load balancer controller's scoped role and release, one ACM certificate per
exposed host with its Route 53 validation, and the ALB facts the in-cluster layer decorates routes with."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pulumi
import pytest

from lepton_infra.aws.iam import has_admin_wildcard
from lepton_infra.aws.traffic import (
    ALB_MAX_IDLE_TIMEOUT_SECONDS,
    entry_point_decoration,
    route_decoration,
)
from lepton_infra.core.exposure import exposed_services
from lepton_infra.core.traffic import EntryPoint, RouteTarget
from lepton_infra.kubernetes.serving.keda import COLD_START_WAIT
from lepton_infra.plan.engine import plan_program
from tests.kubernetes.harness import shipped_spec as raw_spec

DATA = Path(__file__).parent / "data"
UPSTREAM = json.loads((DATA / "lbc-iam-policy-v3.5.0.json").read_text())
ANNOTATIONS = {
    row.split("\t")[0]: row.split("\t")[2]
    for row in (DATA / "alb-ingress-annotations-v3.5.0.tsv").read_text().splitlines()
    if not row.startswith("#")
}
RELEASE = "kubernetes:helm.sh/v3:Release"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
PCA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0b6c9a8e-0000-4000-8000-000000000001"


def _statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **st,
            "Action": [st["Action"]] if isinstance(st["Action"], str) else st["Action"],
            "Resource": [st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"],
        }
        for st in doc["Statement"]
    ]


def _controller_policy(graph) -> dict[str, Any]:
    return json.loads(graph.one(ROLE_POLICY, "acme-ai-lb-controller-irsa-policy").get("policy"))


@pytest.fixture(scope="module")
def prod(plan_stack, platform_dir):
    return plan_stack(platform_dir, "aws-prod")


def test_controller_policy_is_a_subset_of_the_controllers_own(prod) -> None:
    upstream = {a for st in _statements(UPSTREAM) for a in st["Action"]}
    ours = _statements(_controller_policy(prod))
    assert {a for st in ours for a in st["Action"]} <= upstream
    assert not has_admin_wildcard(_controller_policy(prod))


def test_controller_policy_names_this_account_region_and_cluster(prod) -> None:
    cluster = prod.one("aws:eks/cluster:Cluster", "acme-ai-cluster-eks").get("name")
    for st in _statements(_controller_policy(prod)):
        for resource in st["Resource"]:
            assert (
                resource == "*" or ":us-east-1:123456789012:" in resource or ":iam::123456789012:" in resource
            ), st
            assert ":*:*:" not in resource
        writes = [a for a in st["Action"] if not a.split(":")[1].startswith(("Describe", "List", "Get"))]
        if st["Resource"] == ["*"]:
            assert writes == [], f"a write on *: {st}"
        # Creating, changing or deleting a load balancer or target group needs this cluster's ownership tag.
        touches_owned = any(
            a.split(":")[1].startswith(("Create", "Delete", "Modify", "Set")) for a in writes
        ) and any("loadbalancer/" in r or "targetgroup/" in r for r in st["Resource"])
        if (
            touches_owned
            and "Listener" not in " ".join(st["Action"])
            and "Rule" not in " ".join(st["Action"])
        ):
            tags = json.dumps(st.get("Condition", {}))
            assert "elbv2.k8s.aws/cluster" in tags and cluster in tags, st


def test_controller_role_trusts_only_its_service_account(prod) -> None:
    trust = json.loads(
        prod.one("aws:iam/role:Role", "acme-ai-lb-controller-irsa-role").get("assumeRolePolicy")
    )
    cond = trust["Statement"][0]["Condition"]["StringEquals"]
    assert sorted(cond.values()) == [
        "sts.amazonaws.com",
        "system:serviceaccount:kube-system:aws-load-balancer-controller",
    ]


def test_controller_release_values(prod, plan_stack, platform_dir) -> None:
    values = prod.one(RELEASE, "acme-ai-lb-controller-chart").get("values")
    assert values["enableServiceMutatorWebhook"] is False  # type: LoadBalancer Services keep their controller
    assert (values["clusterName"], values["region"]) == (
        prod.one("aws:eks/cluster:Cluster", "acme-ai-cluster-eks").get("name"),
        "us-east-1",
    )
    assert values["vpcId"] == prod.one("aws:ec2/vpc:Vpc", "acme-ai-network-vpc").outputs.get(
        "id", values["vpcId"]
    )
    assert values["serviceAccount"]["name"] == "aws-load-balancer-controller"
    assert values["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"].endswith(
        prod.one("aws:iam/role:Role", "acme-ai-lb-controller-irsa-role").get("name")
    )
    assert values["replicaCount"] == 2 and values["nodeSelector"] == {"lepton.ai/pool": "system"}
    assert (values["enableWaf"], values["enableWafv2"], values["enableShield"]) == (False, False, False)
    dev = plan_stack(platform_dir, "aws-dev").one(RELEASE, "acme-ai-lb-controller-chart").get("values")
    assert dev["replicaCount"] == 1 and "podDisruptionBudget" not in dev


@pytest.mark.parametrize("stack", ["aws-prod", "aws-dev"])
def test_each_exposed_host_gets_a_dns_validated_acm_certificate(stack: str, plan_stack, platform_dir) -> None:
    from lepton_infra.spec import PlatformSpec

    graph = plan_stack(platform_dir, stack)
    spec = PlatformSpec.from_dict(raw_spec(stack))
    hosts = sorted(e.host for e in exposed_services(spec))
    certs = graph.of_type("aws:acm/certificate:Certificate")
    assert sorted(c.get("domainName") for c in certs) == hosts
    assert all(c.get("validationMethod") == "DNS" for c in certs)
    records = [r for r in graph.of_type("aws:route53/record:Record") if r.get("type") == "CNAME"]
    assert len(records) == len(hosts) and {r.get("zoneId") for r in records} == {spec.aws.dns_zone_id}
    for validation in graph.of_type("aws:acm/certificateValidation:CertificateValidation"):
        assert any(r.urn in validation.dependencies for r in records)


def _private_ca_plan():
    raw = copy.deepcopy(raw_spec("aws-prod"))
    raw["network"] = {**raw["network"], "tls_issuer": "private-ca"}
    raw["aws"] = {k: v for k, v in raw["aws"].items() if k != "dns_zone_id"} | {"private_ca_arn": PCA}

    def program() -> None:
        from lepton_infra.platform import build
        from lepton_infra.spec import PlatformSpec

        build(PlatformSpec.from_dict(raw))

    return plan_program(
        program, {"pulumi:disable-default-providers": ["*"]}, project="lepton-aws-pca", stack="prod"
    )


def test_private_ca_certificates_come_from_the_acm_private_ca() -> None:
    graph = _private_ca_plan()
    certs = graph.of_type("aws:acm/certificate:Certificate")
    assert certs and {c.get("certificateAuthorityArn") for c in certs} == {PCA}
    # No validation records; the hosts' records (network.dns_records) only in the private zone, every one
    # internal here.
    (zone,) = graph.of_type("aws:route53/zone:Zone")
    records = graph.of_type("aws:route53/record:Record")
    assert records and all(r.get("aliases") and zone.urn in r.dependencies for r in records)


def test_no_domain_no_controller() -> None:
    from tests.aws.aws_plan_support import SPEC

    def program() -> None:
        from lepton_infra.platform import build
        from lepton_infra.spec import PlatformSpec

        built = build(PlatformSpec.from_dict(SPEC))
        assert built.cloud.cluster_handle.ingress is None

    graph = plan_program(program, {"pulumi:disable-default-providers": ["*"]}, project="lepton-aws-nodomain")
    assert not [r for r in graph.of_type(RELEASE) if "lb-controller" in r.name]
    assert graph.of_type("aws:acm/certificate:Certificate") == []


def _target(**kw: Any) -> RouteTarget:
    base = dict(
        service="sentiment",
        host="sentiment.ai.acme.dev",
        exposure="internal",
        namespace="keda",
        backend_service="keda-add-ons-http-interceptor-proxy",
        backend_port=8080,
        health_path="/livez",
        health_port=9090,
        request_timeout_seconds=1260,
        drain_seconds=30,
    )
    return RouteTarget(**{**base, **kw})


@pytest.mark.parametrize("exposure, scheme", [("internal", "internal"), ("public", "internet-facing")])
def test_entry_point_annotations_are_the_controllers_and_exclusive(exposure: str, scheme: str) -> None:
    entry = EntryPoint(
        exposure=exposure,
        name=f"lepton-{exposure}",
        namespace="lepton-ingress",  # type: ignore[arg-type]
        hosts=("sentiment.ai.acme.dev",),
    )
    annotations = entry_point_decoration(entry).annotations
    assert set(annotations) <= set(ANNOTATIONS)
    # Ingresses of one group share these: none may be a per-route setting that differs between routes.
    assert {ANNOTATIONS[k] for k in annotations} <= {"Exclusive", "Merge", "N/A"}
    assert annotations["alb.ingress.kubernetes.io/scheme"] == scheme
    assert annotations["alb.ingress.kubernetes.io/ssl-redirect"] == "443"
    assert json.loads(annotations["alb.ingress.kubernetes.io/listen-ports"]) == [{"HTTP": 80}, {"HTTPS": 443}]
    assert annotations["alb.ingress.kubernetes.io/ssl-policy"].startswith("ELBSecurityPolicy-TLS13-1-2")
    attrs = dict(
        kv.split("=") for kv in annotations["alb.ingress.kubernetes.io/load-balancer-attributes"].split(",")
    )
    assert (
        int(COLD_START_WAIT.rstrip("m")) * 60
        < int(attrs["idle_timeout.timeout_seconds"])
        <= ALB_MAX_IDLE_TIMEOUT_SECONDS
    )
    # Off in prod too: the controller cannot delete a protected ALB (tests/lifecycle/).
    assert attrs["deletion_protection.enabled"] == "false"


def test_route_annotations_follow_readiness_and_drain() -> None:
    annotations = route_decoration(
        _target(), "arn:aws:acm:us-east-1:123456789012:certificate/x", []
    ).annotations
    assert set(annotations) <= set(ANNOTATIONS)
    assert all(ANNOTATIONS[k] != "Exclusive" for k in annotations)  # routes of one group may differ
    assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/livez"
    assert annotations["alb.ingress.kubernetes.io/healthcheck-port"] == "9090"
    assert (
        annotations["alb.ingress.kubernetes.io/target-group-attributes"]
        == "deregistration_delay.timeout_seconds=30"
    )


def test_handle_facts_peers_are_the_planned_subnets(prod) -> None:
    """The ALB's nodes connect from the subnets the plan creates: the load-balancer ones for an internal
    ALB (never the private ones, which hold every pod's address)."""
    holder: dict[str, Any] = {}

    def program() -> None:
        from lepton_infra.platform import build
        from lepton_infra.spec import PlatformSpec

        holder["handle"] = build(PlatformSpec.from_dict(raw_spec("aws-prod"))).cloud.cluster_handle

    plan_program(
        program, {"pulumi:disable-default-providers": ["*"]}, project="lepton-aws-facts", stack="prod"
    )
    facts = holder["handle"].ingress
    assert facts.api == "ingress" and facts.certificates == "cloud" and facts.classes["internal"] == "alb"
    lb = {s.get("cidrBlock") for s in prod.of_type("aws:ec2/subnet:Subnet") if "-network-lb-" in s.name}
    assert (
        {p["ipBlock"]["cidr"] for p in facts.data_plane_peers}
        == lb
        == {
            "10.40.160.0/21",
            "10.40.168.0/21",
            "10.40.176.0/21",
        }
    )
    assert [type(d).__name__ for d in facts.controller_dependencies] == ["Release"]
    route = facts.decorate_route(_target())
    assert route.depends_on and isinstance(route.depends_on[0], pulumi.CustomResource)
    with pytest.raises(KeyError):
        facts.decorate_route(_target(host="other.ai.acme.dev"))


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
def test_routed_pods_get_the_controllers_readiness_gate(stack: str, plan_stack, platform_dir) -> None:
    """The controller injects its pod readiness gate only in namespaces labelled for it, and only into pods
    created while its webhook runs: every namespace an ALB routes into carries the label, and every routed
    service's Deployment waits for the controller's release."""
    from lepton_infra.spec import PlatformSpec

    graph = plan_stack(platform_dir, stack)
    ingresses = graph.of_type("kubernetes:networking.k8s.io/v1:Ingress")
    assert ingresses
    labels = {
        ns.get("metadata.name"): ns.get("metadata.labels") or {}
        for ns in graph.of_type("kubernetes:core/v1:Namespace")
    }
    routed = {i.get("metadata.namespace") for i in ingresses}
    assert {
        n for n in routed if labels[n].get("elbv2.k8s.aws/pod-readiness-gate-inject") != "enabled"
    } == set()
    controller = graph.one(RELEASE, "acme-ai-lb-controller-chart")
    exposed = {e.service for e in exposed_services(PlatformSpec.from_dict(raw_spec(stack)))}
    deployments = [
        d for d in graph.of_type("kubernetes:apps/v1:Deployment") if d.get("metadata.name") in exposed
    ]
    assert {d.get("metadata.name") for d in deployments} == exposed
    assert [d.name for d in deployments if controller.urn not in graph.waits_for(d)] == []
