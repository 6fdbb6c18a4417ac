"""The EKS cluster's own security groups, in the terraform-aws-eks shape (`Cluster` creates them): one for
the control plane's network interfaces (additional to the one EKS makes), one for the nodes."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name

# Control plane -> node ports: kubelet, and the admission webhooks/metrics APIs in-cluster charts serve.
CONTROL_PLANE_TO_NODE_PORTS = (
    (443, "webhooks on 443"),
    (4443, "metrics-server"),
    (6443, "webhooks"),
    (8443, "webhooks"),
    (9443, "webhooks"),
    (10250, "kubelet"),
)


def cluster_security_groups(
    owner: Component,
    name: str,
    *,
    vpc_id: pulumi.Input[str],
    cluster_name: str,
    api_cidrs: Sequence[str],
) -> tuple[aws.ec2.SecurityGroup, aws.ec2.SecurityGroup]:
    """(control plane's, nodes'): least-privilege groups in the terraform-aws-eks shape: nodes reach the API
    on 443, and so do `api_cidrs` (deploy runners, VPN: networks inside the VPC or routed to it); the
    control plane reaches kubelets and webhooks; nodes talk to each other (pod-to-pod); nodes egress."""
    cluster_group = aws.ec2.SecurityGroup(
        child_name(name, "cluster-sg"),
        vpc_id=vpc_id,
        description="EKS control plane (additional)",
        tags={"Name": f"{cluster_name}-cluster"},
        opts=owner.child_opts(),
    )
    node_group = aws.ec2.SecurityGroup(
        child_name(name, "node-sg"),
        vpc_id=vpc_id,
        description="EKS nodes",
        tags={"Name": f"{cluster_name}-node", f"kubernetes.io/cluster/{cluster_name}": "owned"},
        opts=owner.child_opts(),
    )
    cluster_sg, node_sg = cluster_group.id, node_group.id
    aws.vpc.SecurityGroupIngressRule(
        child_name(name, "cluster-from-nodes-443"),
        security_group_id=cluster_sg,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        referenced_security_group_id=node_sg,
        description="Nodes to the Kubernetes API",
        opts=owner.child_opts(),
    )
    for i, cidr in enumerate(api_cidrs):
        aws.vpc.SecurityGroupIngressRule(
            child_name(name, f"cluster-from-deployer-{i}"),
            security_group_id=cluster_sg,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=cidr,
            description="Kubernetes API from an authorized network (deploy runner, VPN)",
            opts=owner.child_opts(),
        )
    for port, why in CONTROL_PLANE_TO_NODE_PORTS:
        aws.vpc.SecurityGroupIngressRule(
            child_name(name, f"node-from-cluster-{port}"),
            security_group_id=node_sg,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=cluster_sg,
            description=f"Control plane to nodes: {why}",
            opts=owner.child_opts(),
        )
    aws.vpc.SecurityGroupIngressRule(
        child_name(name, "node-from-nodes"),
        security_group_id=node_sg,
        ip_protocol="-1",
        referenced_security_group_id=node_sg,
        description="Node to node (pod networking)",
        opts=owner.child_opts(),
    )
    aws.vpc.SecurityGroupEgressRule(
        child_name(name, "node-egress"),
        security_group_id=node_sg,
        ip_protocol="-1",
        cidr_ipv4="0.0.0.0/0",
        description="Nodes egress (images, AWS APIs) through NAT or endpoints",
        opts=owner.child_opts(),
    )
    return cluster_group, node_group
