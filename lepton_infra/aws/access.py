"""Who reaches the EKS API and from where: the endpoints (`endpoint_access`), the access entries
(`principal_groups`), and where `pulumi up` must run for a stack (`api_access`): the EKS API endpoint
decides it, and most of the platform (add-ons' StorageClass, the autoscaler, every in-cluster resource) is
created through that API.

EKS facts (EKS user guide, "Cluster API server endpoint"): the private endpoint answers only inside the
VPC (or networks routed to it, with the VPC's DNS), and only to sources the cluster security group
admits; the public endpoint answers only the listed `publicAccessCidrs`. This platform always keeps the
private endpoint on (nodes never leave the VPC to reach the API).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from ipaddress import IPv4Network

from lepton_infra.spec.resolved import ResolvedPlatform


def runner_routes(resolved: ResolvedPlatform) -> list[str]:
    """The authorized networks outside the VPC of a private endpoint: replies from the endpoint reach them
    only through a route the VPC's private route tables hold (local routes cover only the VPC)."""
    if resolved.endpoint == "public":
        return []
    spec = resolved.spec
    vpc = IPv4Network(str(spec.network.cidr))
    return [str(n) for n in spec.cluster.authorized_networks if not IPv4Network(str(n)).subnet_of(vpc)]


def api_access(resolved: ResolvedPlatform, network: str) -> str:
    """One plain sentence for the `api_access` stack output and the plan log; `network` names the VPC (its
    CIDR), where a private endpoint answers. A private endpoint nothing can reach (no authorized network, or
    one outside the VPC without a transit gateway) is refused at spec time (profiles/aws/rules.py,
    private_api_reachable), so every sentence here names a reachable path."""
    spec = resolved.spec
    networks = ", ".join(str(n) for n in spec.cluster.authorized_networks)
    if resolved.endpoint == "public":
        return (
            f"public endpoint (private on too): run `pulumi up` from a network in "
            f"cluster.authorized_networks "
            f"({networks}), e.g. the office VPN or a CI runner with a fixed egress IP (not from inside the "
            f"VPC: "
            "there the private endpoint answers, and it admits only the nodes)"
        )
    tgw = resolved.aws.knobs.runner_transit_gateway_id if resolved.aws else None
    via = f" (routed through transit gateway {tgw} by this stack)" if runner_routes(resolved) else ""
    return (
        f"private endpoint only: run `pulumi up` from {networks}{via}, using the DNS of VPC {network} "
        f"(admitted on 443 by the cluster security group): e.g. a CodeBuild project or self-hosted runner "
        "there. From anywhere else the cluster is created and every in-cluster resource fails"
    )


# --- who reaches the API: the endpoints' CIDRs and the access entries ---------------------------------


def endpoint_access(public: bool, cidrs: Sequence[str]) -> tuple[bool, bool, list[str]]:
    """(private, public, cidrs). The private endpoint is always on, so nodes never hairpin through the
    internet; a public endpoint without CIDRs would mean 0.0.0.0/0, which is refused here (the spec
    must list 0.0.0.0/0 explicitly, behind its loud opt-in)."""
    if public and not cidrs:
        raise ValueError("a public EKS endpoint needs authorized_networks (never open by default)")
    return True, public, list(cidrs) if public else []


def principal_groups(
    admin_role_arns: Sequence[str], group_role_arns: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """IAM principal -> its Kubernetes groups, admins first, then the other roles in first-seen order.
    EKS allows one access entry per principal, so a role that is both admin and a group's member gets
    one entry carrying both."""
    groups: dict[str, list[str]] = {arn: [] for arn in admin_role_arns}
    for group, arns in group_role_arns.items():
        for arn in arns:
            groups.setdefault(arn, [])
            if group not in groups[arn]:
                groups[arn].append(group)
    return {arn: sorted(g) for arn, g in groups.items()}


def access_entry_slug(role_arn: str) -> str:
    """A stable URN part for a role's access entry: account and role name (unique in the account)."""
    account = role_arn.split(":")[4]
    role = role_arn.rsplit("/", 1)[-1]
    return re.sub(r"[^a-z0-9]+", "-", f"{account}-{role}".lower()).strip("-")
