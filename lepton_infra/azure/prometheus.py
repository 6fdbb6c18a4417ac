"""Azure Monitor managed Prometheus for an AKS cluster (`Monitoring` creates it): the metrics add-on the
cluster enables with `azureMonitorProfile.metrics` writes into an Azure Monitor workspace through a data
collection endpoint and rule associated with the cluster, and the GPU and node alerts (azure/alerts.py) are
evaluated there, in Azure."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import alertsmanagement, monitor

from lepton_infra.azure.alerts import prometheus_alerts
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name, physical_name


@dataclass(frozen=True)
class ManagedPrometheus:
    workspace: monitor.AzureMonitorWorkspace
    collection_endpoint: monitor.DataCollectionEndpoint
    collection_rule: monitor.DataCollectionRule
    collection_associations: list[monitor.DataCollectionRuleAssociation]
    rules: alertsmanagement.PrometheusRuleGroup


def managed_prometheus(
    owner: Component,
    name: str,
    *,
    name_prefix: str,
    location: str,
    resource_group_name: pulumi.Input[str],
    cluster_id: pulumi.Input[str],
    cluster_name: pulumi.Input[str],
    action_group_id: pulumi.Input[str],
    tags: dict[str, str],
) -> ManagedPrometheus:
    """Azure Monitor managed Prometheus for the cluster (the metrics add-on the cluster enables with
    azureMonitorProfile.metrics): an Azure Monitor workspace, the collection endpoint and rule, their
    associations with the cluster, and the GPU and node alert rules evaluated in Azure."""
    rg = resource_group_name
    prometheus_workspace = monitor.AzureMonitorWorkspace(
        child_name(name, "prometheus"),
        azure_monitor_workspace_name=physical_name(name_prefix, "prometheus", limit="azure:generic"),
        resource_group_name=rg,
        location=location,
        tags=tags,
        opts=owner.child_opts(),
    )
    collection_endpoint = monitor.DataCollectionEndpoint(
        child_name(name, "prometheus-dce"),
        data_collection_endpoint_name=physical_name(name_prefix, "prometheus", limit=44),
        resource_group_name=rg,
        location=location,
        kind="Linux",
        tags=tags,
        opts=owner.child_opts(),
    )
    collection_rule = monitor.DataCollectionRule(
        child_name(name, "prometheus-dcr"),
        data_collection_rule_name=physical_name(name_prefix, "prometheus", limit=64),
        resource_group_name=rg,
        location=location,
        kind="Linux",
        tags=tags,
        data_collection_endpoint_id=collection_endpoint.id,
        data_sources=monitor.DataCollectionRuleDataSourcesArgs(
            prometheus_forwarder=[
                monitor.PrometheusForwarderDataSourceArgs(
                    name="PrometheusDataSource", streams=["Microsoft-PrometheusMetrics"]
                )
            ]
        ),
        destinations=monitor.DataCollectionRuleDestinationsArgs(
            monitoring_accounts=[
                monitor.MonitoringAccountDestinationArgs(
                    account_resource_id=prometheus_workspace.id, name="MonitoringAccount1"
                )
            ]
        ),
        data_flows=[
            monitor.DataFlowArgs(streams=["Microsoft-PrometheusMetrics"], destinations=["MonitoringAccount1"])
        ],
        opts=owner.child_opts(),
    )
    collection_associations = [
        monitor.DataCollectionRuleAssociation(
            child_name(name, "prometheus-dcra"),
            association_name=physical_name(name_prefix, "prometheus"),
            resource_uri=cluster_id,
            data_collection_rule_id=collection_rule.id,
            opts=owner.child_opts(),
        ),
        # The agent finds its endpoint through an association with exactly this name.
        monitor.DataCollectionRuleAssociation(
            child_name(name, "prometheus-dcea"),
            association_name="configurationAccessEndpoint",
            resource_uri=cluster_id,
            data_collection_endpoint_id=collection_endpoint.id,
            opts=owner.child_opts(),
        ),
    ]
    prometheus_rules = alertsmanagement.PrometheusRuleGroup(
        child_name(name, "prometheus-alerts"),
        rule_group_name=physical_name(name_prefix, "gpu-alerts", limit="azure:generic"),
        resource_group_name=rg,
        location=location,
        tags=tags,
        enabled=True,
        interval="PT1M",
        cluster_name=cluster_name,
        scopes=[prometheus_workspace.id, cluster_id],
        description="GPU and node alerts on the cluster's managed Prometheus metrics.",
        rules=[
            alertsmanagement.PrometheusRuleArgs(
                alert=a.alert,
                expression=a.expression,
                for_=a.for_,
                severity=2,
                enabled=True,
                annotations={"description": a.description},
                actions=[alertsmanagement.PrometheusRuleGroupActionArgs(action_group_id=action_group_id)],
                resolve_configuration=alertsmanagement.PrometheusRuleResolveConfigurationArgs(
                    auto_resolved=True, time_to_resolve="PT10M"
                ),
            )
            for a in prometheus_alerts()
        ],
        opts=owner.child_opts(depends_on=collection_associations),
    )
    return ManagedPrometheus(
        workspace=prometheus_workspace,
        collection_endpoint=collection_endpoint,
        collection_rule=collection_rule,
        collection_associations=collection_associations,
        rules=prometheus_rules,
    )
