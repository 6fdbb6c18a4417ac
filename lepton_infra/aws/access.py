"""Where `pulumi up` must run for a stack: the EKS API endpoint decides it, and most of the platform
(add-ons' StorageClass, the autoscaler, every in-cluster resource) is created through that API.

EKS facts (EKS user guide, "Cluster API server endpoint"): the private endpoint answers only inside the
VPC (or networks routed to it, with the VPC's DNS), and only to sources the cluster security group
admits; the public endpoint answers only the listed `publicAccessCidrs`. This platform always keeps the
private endpoint on (nodes never leave the VPC to reach the API).
"""

from __future__ import annotations

from lepton_infra.spec import PlatformSpec


def api_access(spec: PlatformSpec, network: str) -> str:
    """One plain sentence for the `api_access` stack output and the plan log; `network` names the VPC (its
    CIDR), where a private endpoint answers."""
    networks = ", ".join(str(n) for n in spec.cluster.authorized_networks)
    if spec.cluster.endpoint == "public":
        return (
            f"public endpoint (private on too): run `pulumi up` from a network in "
            f"cluster.authorized_networks "
            f"({networks}), e.g. the office VPN or a CI runner with a fixed egress IP (not from inside the "
            f"VPC: "
            "there the private endpoint answers, and it admits only the nodes)"
        )
    if networks:
        return (
            f"private endpoint only: run `pulumi up` inside VPC {network} or a network routed to "
            f"it "
            f"(transit gateway, peering, VPN) using the VPC's DNS, from {networks} (admitted on 443 by the "
            "cluster security group): e.g. a CodeBuild project or self-hosted runner there. From anywhere "
            "else the cluster is created and every in-cluster resource fails"
        )
    return (
        f"private endpoint only and no cluster.authorized_networks: only the nodes reach the API, so "
        f"`pulumi up` creates the cluster and then fails on every in-cluster resource. Add the CIDR of a "
        f"runner inside VPC {network} (or routed to it) to cluster.authorized_networks, or deploy "
        "once with cluster.endpoint: public and your egress CIDR (docs/aws.md, Deploy readiness)"
    )
