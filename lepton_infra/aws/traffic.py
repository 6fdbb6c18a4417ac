"""AWS traffic: the ALB facts on the cluster handle, and one ACM certificate per exposed host.

An ALB serves only ACM certificates (it reads no Kubernetes Secret), so certificates are the cloud's
(`certificates="cloud"`): acme -> a public ACM certificate validated by DNS in the spec's Route 53 zone
(free, renewed by ACM while the validation record stays); private-ca -> a private certificate from the
spec's ACM Private CA. Annotation names and meanings: kubernetes-sigs/aws-load-balancer-controller v3.5.0
docs/guide/ingress/annotations.md. Annotations marked `Exclusive` there (one value per IngressGroup) are
on the entry point, so every Ingress of a group carries the same; the rest are per route. With a private
zone VPC (`network.dns_records`), each host also gets its Route 53 alias records (host_dns.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import Any

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.host_dns import HostRecords, alb_hosted_zone_id, host_dns_problems, private_zone
from lepton_infra.aws.lb_controller import INGRESS_CLASS
from lepton_infra.core.args import one_of, renamed_fields, renamed_names
from lepton_infra.core.cidr import plan_subnets
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.traffic import Decoration, EntryPoint, IngressFacts, RouteTarget
from lepton_infra.kubernetes.serving.keda import COLD_START_WAIT
from lepton_infra.spec import NetworkSpec
from lepton_infra.spec.problems import like_spec_field

ALB = "alb.ingress.kubernetes.io/"


def duration_seconds(text: str) -> int:
    """`20m` / `90s` / `1h` (the Go durations KEDA's add-on reads) in seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    return int(text[:-1]) * units[text[-1]]


# TLS 1.2 and 1.3 only, forward-secret ciphers only (ELB docs, "Security policies for your Application
# Load Balancer": the console's default before the post-quantum policies).
SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
# An ALB closes a connection idle this long (1-4000 s; default 60). A request held by the KEDA interceptor
# while a replica cold-starts sends nothing back until it is served: the timeout outlasts the wait.
IDLE_TIMEOUT_SECONDS = duration_seconds(COLD_START_WAIT) + 60
ALB_MAX_IDLE_TIMEOUT_SECONDS = 4000
# What Kubernetes counts as a passing HTTP probe (200-399): the ALB takes a replica out of rotation
# exactly when its readiness probe fails.
SUCCESS_CODES = "200-399"


def _records_on(vpc_id: Any, kwargs: dict[str, Any]) -> Any:
    """`private_zone_vpc_id` (before 0.2.0): None meant no records, a VPC id records on that VPC."""
    kwargs.setdefault("dns_records", vpc_id is not None)
    return vpc_id


@renamed_fields(dns_zone_id="public_zone", private_zone_vpc_id=("vpc_id", _records_on))
@dataclass
class TrafficArgs(ComponentArgs):
    cluster_name: pulumi.Input[str]
    """The EKS cluster the routes live in (its load balancer controller serves them); no resource here reads
    it."""
    hosts: Mapping[str, str]
    """Exposed host -> exposure (internal | public), from `exposed_services(spec)`: one ACM certificate
    each."""
    tls_issuer: str
    """acme | private-ca (`network.tls_issuer`): a public ACM certificate validated by DNS in `public_zone`,
    or a private one from `private_ca_arn`."""
    vpc_cidr: str
    """The VPC's range: the ALBs reach pods from the subnets planned in it (the NetworkPolicy peers)."""
    zones: int
    """The VPC's zone count, to plan the same subnets `Network` made."""
    prod: bool = False
    """Ignored since 0.2.0 (goes in 0.3.0): it turned ALB deletion protection on, which is now off everywhere
    because the controller cannot delete a protected ALB (docs/UPGRADE-0.2.md). Default: False."""
    public_zone: str | None = None
    """The operator's public Route 53 hosted zone id: acme validation records, and public hosts' alias
    records. Default: none (then no acme and no public host)."""
    private_ca_arn: str | None = None
    """ARN of the ACM Private CA that issues the certificates with `tls_issuer: private-ca`. Default: none
    (required then)."""
    controller: pulumi.Resource | None = None
    """The load balancer controller's release: every route waits for its webhooks. Default: none, nothing to
    wait for."""
    domain: str | None = None
    """`network.domain`: the private hosted zone's name (every host lies within it). Default: none (required
    with records)."""
    dns_records: bool = True
    """`network.dns_records`: a private hosted zone for `domain` on `vpc_id` holds every host's alias record
    (public hosts also get one in `public_zone`). Default: on (needs `vpc_id`)."""
    vpc_id: pulumi.Input[str] | None = None
    """The VPC (its id) the private hosted zone is associated with. Default: none, no zone and no records."""
    region: str | None = None
    """The VPC's region (its ALBs' canonical hosted zone). Default: the provider's."""
    internal_subnets: Sequence[str] = ()
    """Name tags of the load-balancer subnets (`Network.load_balancer_subnet_names`), named on internal
    entry points. Discovery alone would do for a new ALB, but the controller keeps an existing ALB in the
    subnets it already has unless the Ingress names them (v3.5.0 pkg/ingress/model_build_load_balancer.go,
    buildLoadBalancerSubnetMappings): named, an ALB made in the private subnets moves. Default: none
    named, discovery alone."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("tls_issuer", self.tls_issuer, NetworkSpec, "tls_issuer")
        for host, exposure in sorted(self.hosts.items()):
            yield from one_of(f"hosts.{host}", exposure, ("internal", "public"), "exposure")
        yield from like_spec_field("vpc_cidr", self.vpc_cidr, NetworkSpec, "cidr")
        yield from like_spec_field("zones", self.zones, NetworkSpec, "zones")
        if self.hosts and self.tls_issuer == "acme" and self.public_zone is None:
            yield Problem(
                "public_zone",
                None,
                "an acme certificate is validated by a DNS record in the public hosted zone",
                "set public_zone, or use tls_issuer private-ca with private_ca_arn",
            )
        if self.hosts and self.tls_issuer == "private-ca" and self.private_ca_arn is None:
            yield Problem(
                "private_ca_arn",
                None,
                "an ALB serves only ACM certificates: a private one is issued by an ACM Private CA",
                "set private_ca_arn, or use tls_issuer acme with public_zone",
            )
        if self.records:
            yield from host_dns_problems(self.domain, self.hosts, self.public_zone)

    @property
    def records(self) -> bool:
        """Whether the hosts get DNS records (a private zone on `vpc_id`, public hosts in `public_zone`)."""
        return self.dns_records and self.vpc_id is not None


class Traffic(Component):
    """One ACM certificate per exposed host (with its DNS validation for acme) and the `IngressFacts`."""

    TOKEN = "lepton:aws:Traffic"  # the same component name on every cloud

    def __init__(self, name: str, args: TrafficArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        self.args = args
        self.certificates: dict[str, pulumi.Output[str]] = {}
        self.waits: dict[str, list[pulumi.Resource]] = {}
        for host in sorted(args.hosts):
            slug = host.replace(".", "-")
            if args.tls_issuer == "acme":
                self._public_certificate(name, slug, host)
            else:
                cert = aws.acm.Certificate(
                    child_name(name, f"cert-{slug}"),
                    domain_name=host,
                    certificate_authority_arn=args.private_ca_arn,
                    tags={"Name": host},
                    opts=self.child_opts(),
                )
                self.certificates[host] = cert.arn
                self.waits[host] = [cert]
        self.private_zone: aws.route53.Zone | None = None
        self.host_records: HostRecords | None = None
        if args.records and args.vpc_id is not None and args.hosts:
            self.private_zone = private_zone(
                name, str(args.domain), args.vpc_id, args.region, self.child_opts()
            )
            self.host_records = HostRecords(
                private_zone=self.private_zone.zone_id,
                public_zone=args.public_zone,
                alb_zone_id=alb_hosted_zone_id(args.region, self),
                provider=self.get_provider("aws:route53/record:Record"),
            )
        self.finish(
            {
                "certificate_arns": dict(self.certificates),
                "private_zone_id": self.private_zone.zone_id if self.private_zone else None,
            }
        )

    def _public_certificate(self, name: str, slug: str, host: str) -> None:
        cert = aws.acm.Certificate(
            child_name(name, f"cert-{slug}"),
            domain_name=host,
            validation_method="DNS",
            tags={"Name": host},
            # A certificate an ALB serves cannot be deleted: replaced, the new one comes first (the default).
            opts=self.child_opts(),
        )
        # One host, one domain name: ACM asks for exactly one CNAME.
        option = cert.domain_validation_options.apply(lambda opts: opts[0] if opts else None)
        record = aws.route53.Record(
            child_name(name, f"validation-{slug}"),
            zone_id=str(self.args.public_zone),
            name=option.apply(lambda o: str(o.resource_record_name) if o else f"_validation.{host}"),
            type=option.apply(lambda o: str(o.resource_record_type) if o else "CNAME"),
            records=[option.apply(lambda o: str(o.resource_record_value) if o else "")],
            # ACM renews while the record stays; a second stack validating the same host shares it.
            ttl=300,
            allow_overwrite=True,
            opts=self.child_opts(),
        )
        validation = aws.acm.CertificateValidation(
            child_name(name, f"validated-{slug}"),
            certificate_arn=cert.arn,
            validation_record_fqdns=[record.fqdn],
            opts=self.child_opts(),
        )
        self.certificates[host] = validation.certificate_arn
        self.waits[host] = [validation]

    def facts(self) -> IngressFacts:
        args = self.args
        return IngressFacts(
            api="ingress",
            classes={"internal": INGRESS_CLASS, "public": INGRESS_CLASS},
            certificates="cloud",
            decorate_entry_point=lambda ep: entry_point_decoration(
                ep, internal_subnets=args.internal_subnets
            ),
            decorate_route=self._route,
            data_plane_peers=data_plane_peers(
                args.vpc_cidr, args.zones, public="public" in args.hosts.values()
            ),
            controller_dependencies=[args.controller] if args.controller is not None else [],
            # The controller's pod readiness gate (docs/deploy/pod_readiness_gate.md at v3.5.0): injected only
            # in namespaces with this label, it holds a rolling update until the new pod is a healthy ALB
            # target, so a rollout never leaves the target group empty.
            target_namespace_labels={"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"},
            publish_host=self.host_records,
        )

    def _route(self, target: RouteTarget) -> Decoration:
        if target.host not in self.certificates:
            raise KeyError(
                f"no ACM certificate for {target.host}: hosts come from exposed_services(spec) "
                f"({', '.join(sorted(self.certificates))})"
            )
        return route_decoration(target, self.certificates[target.host], self.waits[target.host])


def group_name(entry: EntryPoint) -> str:
    """IngressGroup names: at most 63 lowercase letters, digits, '-' or '.' (annotations.md, group.name)."""
    return physical_name(entry.name.lower(), limit=63)


def idle_timeout_seconds(entry: EntryPoint) -> int:
    """The ALB's idle timeout: the interceptor's cold-start wait and a minute, or, where the ALB serves an
    inference engine, its longest request (cold-start wait and a whole non-streaming answer, during which
    nothing flows back) and a minute; never above the ALB's maximum."""
    idle = max(IDLE_TIMEOUT_SECONDS, entry.longest_engine_request_seconds + 60)
    return min(idle, ALB_MAX_IDLE_TIMEOUT_SECONDS)


def entry_point_decoration(entry: EntryPoint, *, internal_subnets: Sequence[str] = ()) -> Decoration:
    attributes = {
        "idle_timeout.timeout_seconds": str(idle_timeout_seconds(entry)),
        # Requests with header names HTTP forbids never reach the model servers (request smuggling).
        "routing.http.drop_invalid_header_fields.enabled": "true",
        # Never on, prod included: the controller refuses to delete an Ingress whose ALB is protected
        # (aws-load-balancer-controller v3.5.0 pkg/ingress/model_builder.go `run`, docs/guide/ingress/
        # annotations.md, read 2026-12-07), so removing a service or destroying the platform would leave a
        # stuck finalizer and a billed ALB. An explicit false also lifts the protection from an ALB an earlier
        # version created with it. The ALB holds no state: the controller rebuilds it from the Ingresses,
        # and re-creates one deleted by hand at its next sync; the hosts' alias records follow it.
        "deletion_protection.enabled": "false",
    }
    return Decoration(
        annotations={
            f"{ALB}group.name": group_name(entry),
            f"{ALB}scheme": "internet-facing" if entry.exposure == "public" else "internal",
            f"{ALB}target-type": "ip",
            # HTTP:80 exists only to answer with a redirect to HTTPS:443.
            f"{ALB}listen-ports": json.dumps([{"HTTP": 80}, {"HTTPS": 443}]),
            f"{ALB}ssl-redirect": "443",
            f"{ALB}ssl-policy": SSL_POLICY,
            f"{ALB}load-balancer-attributes": ",".join(f"{k}={v}" for k, v in attributes.items()),
            # Exclusive (annotations.md): on every Ingress of the group. Internet-facing ALBs keep
            # discovery (the public subnets, which no pod shares either).
            **(
                {f"{ALB}subnets": ",".join(internal_subnets)}
                if internal_subnets and entry.exposure != "public"
                else {}
            ),
        }
    )


def route_decoration(
    target: RouteTarget, certificate_arn: pulumi.Input[str], waits: Sequence[pulumi.Resource]
) -> Decoration:
    return Decoration(
        annotations={
            f"{ALB}certificate-arn": certificate_arn,
            f"{ALB}healthcheck-path": target.health_path,
            f"{ALB}healthcheck-port": str(target.health_port),
            f"{ALB}success-codes": SUCCESS_CODES,
            # In-flight requests finish on a replica leaving rotation before the ALB drops it.
            f"{ALB}target-group-attributes": f"deregistration_delay.timeout_seconds={target.drain_seconds}",
        },
        depends_on=list(waits),
    )


def data_plane_peers(vpc_cidr: str, zones: int, *, public: bool) -> list[dict]:
    """ALB nodes reach pod IPs (target type ip) from their interfaces in the subnets they live in: the
    load-balancer subnets (internal scheme) and, with a public exposure, the public ones (internet-facing).
    Never the private subnets: under the VPC CNI they hold every pod's address, so admitting them admitted
    every pod of the cluster, past the ALB (network.py)."""
    plan = plan_subnets(IPv4Network(vpc_cidr), zones)
    cidrs = [*plan.load_balancer, *(plan.public if public else ())]
    return [{"ipBlock": {"cidr": str(c)}} for c in cidrs]


__getattr__ = renamed_names(__name__, {"AlbTraffic": "Traffic", "AlbTrafficArgs": "TrafficArgs"}, globals())
