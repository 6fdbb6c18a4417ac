"""`azure.Monitoring`: the Log Analytics workspace, VNet flow logs (to a CMK storage account, analysed
into the workspace), the e-mail action group, cluster alerts, and the monthly budget over the platform's
and the cluster's node resource groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pulumi
from pulumi_azure_native import (
    alertsmanagement,
    consumption,
    managedidentity,
    monitor,
    network,
    operationalinsights,
    storage,
)

from lepton_infra.azure.alerts import prometheus_alerts
from lepton_infra.azure.planning import (
    action_group_short_name,
    budget_start,
    storage_account_name,
    workspace_retention_days,
)
from lepton_infra.azure.roles import grant
from lepton_infra.azure.storage_account import hardened_storage_account
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.profiles.azure.limits import BUDGET_FORECAST_THRESHOLDS

CONTROL_PLANE_LOGS = ("kube-audit-admin", "guard")


@dataclass
class MonitoringArgs:
    name_prefix: str
    location: str
    resource_group_name: pulumi.Input[str]
    # The resource groups the budget counts: the platform's and the cluster's node resource group.
    budget_resource_groups: Sequence[pulumi.Input[str]]
    subscription_id: str
    cluster_id: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    vnet_id: pulumi.Input[str]
    network_watcher_resource_group: str
    key_vault_uri: pulumi.Input[str]
    key_name: pulumi.Input[str]
    encryption_identity_id: pulumi.Input[str]
    encryption_dependencies: list[pulumi.Resource] = field(default_factory=list)
    alert_emails: Sequence[str] = ()
    retention_days: int = 30
    flow_log_retention_days: int = 90
    budget_usd: float | None = None
    budget_thresholds: Sequence[int] = (80, 100)
    tags: Mapping[str, str] = field(default_factory=dict)
    protect: bool = False


class Monitoring(Component):
    TOKEN = "lepton:azure:Monitoring"

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        tags = dict(args.tags)
        rg = args.resource_group_name
        # Encrypted at rest by Azure Monitor; a customer key needs a dedicated Log Analytics cluster
        # (a 100 GB/day commitment), far above what a platform's flow analysis sends (docs/azure.md).
        self.workspace = operationalinsights.Workspace(
            child_name(name, "workspace"),
            workspace_name=physical_name(args.name_prefix, "logs", limit=63),
            resource_group_name=rg,
            location=args.location,
            tags=tags,
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
            retention_in_days=workspace_retention_days(args.retention_days),
            features=operationalinsights.WorkspaceFeaturesArgs(disable_local_auth=True),
            opts=self.child_opts(),
        )

        # Control-plane audit of writes (kube-audit-admin leaves out get/list, most of the volume) and the
        # Entra ID authentication webhook (guard) go to the workspace, as EKS sends its audit log.
        self.control_plane_logs = monitor.DiagnosticSetting(
            child_name(name, "control-plane-logs"),
            name="lepton-control-plane",
            resource_uri=args.cluster_id,
            workspace_id=self.workspace.id,
            log_analytics_destination_type="Dedicated",
            logs=[
                monitor.DiagnosticsLogSettingsArgs(category=category, enabled=True)
                for category in CONTROL_PLANE_LOGS
            ],
            opts=self.child_opts(),
        )

        # Flow logs land in a storage account on our key; Network Watcher writes with its own identity,
        # as account keys are disabled.
        self.flow_log_identity = managedidentity.UserAssignedIdentity(
            child_name(name, "flow-log-identity"),
            resource_name_=physical_name(args.name_prefix, "flow-logs", limit="azure:generic"),
            resource_group_name=rg,
            location=args.location,
            tags=tags,
            opts=self.child_opts(),
        )
        self.flow_log_account = hardened_storage_account(
            child_name(name, "flow-logs"),
            account_name=storage_account_name(args.name_prefix, "flowlogs"),
            resource_group_name=rg,
            location=args.location,
            tags=tags,
            sku="Standard_LRS",
            access_tier=storage.AccessTier.COOL,
            # Network Watcher is a trusted Azure service: it passes the firewall, nothing else does.
            public_network_access="Enabled",
            firewall_bypass="AzureServices",
            encryption_identity_id=args.encryption_identity_id,
            key_name=args.key_name,
            key_vault_uri=args.key_vault_uri,
            encryption_services=None,
            opts=self.child_opts(depends_on=args.encryption_dependencies, protect=args.protect),
        )
        self.flow_log_write = grant(
            child_name(name, "flow-log-write"),
            principal_id=self.flow_log_identity.principal_id,
            role="Storage Blob Data Contributor",
            scope=self.flow_log_account.id,
            subscription_id=args.subscription_id,
            opts=self.child_opts(),
        )
        # VNet flow logs belong to the region's Network Watcher, which Azure keeps in its own group.
        self.flow_log = network.FlowLog(
            child_name(name, "vnet-flow-log"),
            flow_log_name=physical_name(args.name_prefix, "vnet", limit=80),
            network_watcher_name=f"NetworkWatcher_{args.location}",
            resource_group_name=args.network_watcher_resource_group,
            location=args.location,
            tags=tags,
            target_resource_id=args.vnet_id,
            storage_id=self.flow_log_account.id,
            enabled=True,
            format=network.FlowLogFormatParametersArgs(type="JSON", version=2),
            retention_policy=network.RetentionPolicyParametersArgs(
                enabled=True, days=args.flow_log_retention_days
            ),
            identity=network.ManagedServiceIdentityArgs(
                type=network.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[self.flow_log_identity.id],
            ),
            flow_analytics_configuration=network.TrafficAnalyticsPropertiesArgs(
                network_watcher_flow_analytics_configuration=network.TrafficAnalyticsConfigurationPropertiesArgs(
                    enabled=True,
                    workspace_resource_id=self.workspace.id,
                    workspace_id=self.workspace.customer_id,
                    workspace_region=args.location,
                    traffic_analytics_interval=60,
                )
            ),
            opts=self.child_opts(depends_on=[self.flow_log_write]),
        )

        self.action_group = monitor.ActionGroup(
            child_name(name, "alerts"),
            action_group_name=physical_name(args.name_prefix, "alerts", limit="azure:generic"),
            group_short_name=action_group_short_name(args.name_prefix),
            resource_group_name=rg,
            location="global",
            enabled=True,
            tags=tags,
            email_receivers=[
                monitor.MicrosoftCommonEmailReceiverArgs(
                    name=f"email-{i}", email_address=email, use_common_alert_schema=True
                )
                for i, email in enumerate(args.alert_emails)
            ],
            opts=self.child_opts(),
        )
        self._managed_prometheus(name, args, tags)

        self.budget = self._budget(name, args) if args.budget_usd is not None else None
        self.workspace_id = self.workspace.id
        self.finish({"workspace_id": self.workspace_id, "action_group_id": self.action_group.id})

    def _budget(self, name: str, args: MonitoringArgs) -> consumption.Budget:
        """The monthly budget over the platform's spend. AKS bills node VMs, their disks and load balancers
        in the cluster's node resource group, not the platform's: a budget scoped to the platform's group
        never saw a GPU hour. So the budget is the subscription's, filtered to both groups (Consumption
        Budgets `filter.dimensions` on `ResourceGroupName`, azure-native 3.29, API 2024-08-01), and warns
        on the month's forecast as well as on actual spend."""

        def notify(kind: str, operator: str, threshold: int) -> consumption.NotificationArgs:
            return consumption.NotificationArgs(
                enabled=True,
                operator=operator,
                threshold=threshold,
                threshold_type=kind,
                contact_emails=list(args.alert_emails),
                contact_groups=[self.action_group.id],
            )

        notifications = {
            f"actual-{t}": notify("Actual", "GreaterThanOrEqualTo", t) for t in args.budget_thresholds
        }
        # Spending is on course to pass the budget this month: a warning while there is time to act.
        for t in BUDGET_FORECAST_THRESHOLDS:
            notifications[f"forecast-{t}"] = notify("Forecasted", "GreaterThan", t)
        return consumption.Budget(
            child_name(name, "budget"),
            budget_name=physical_name(args.name_prefix, "monthly", limit=63),
            scope=f"/subscriptions/{args.subscription_id}",
            amount=args.budget_usd,
            category="Cost",
            time_grain="Monthly",
            time_period=consumption.BudgetTimePeriodArgs(start_date=budget_start(datetime.now(UTC).date())),
            filter=consumption.BudgetFilterArgs(
                dimensions=consumption.BudgetComparisonExpressionArgs(
                    name="ResourceGroupName", operator="In", values=list(args.budget_resource_groups)
                )
            ),
            notifications=notifications,
            # The start date is "this month" when first created; later months must not rewrite it.
            opts=self.child_opts(ignore_changes=["timePeriod"]),
        )

    def _managed_prometheus(self, name: str, args: MonitoringArgs, tags: dict[str, str]) -> None:
        """Azure Monitor managed Prometheus for the cluster (the metrics add-on the cluster enables with
        azureMonitorProfile.metrics): an Azure Monitor workspace, the collection endpoint and rule, their
        associations with the cluster, and the GPU and node alert rules evaluated in Azure."""
        rg = args.resource_group_name
        self.prometheus_workspace = monitor.AzureMonitorWorkspace(
            child_name(name, "prometheus"),
            azure_monitor_workspace_name=physical_name(args.name_prefix, "prometheus", limit="azure:generic"),
            resource_group_name=rg,
            location=args.location,
            tags=tags,
            opts=self.child_opts(),
        )
        self.collection_endpoint = monitor.DataCollectionEndpoint(
            child_name(name, "prometheus-dce"),
            data_collection_endpoint_name=physical_name(args.name_prefix, "prometheus", limit=44),
            resource_group_name=rg,
            location=args.location,
            kind="Linux",
            tags=tags,
            opts=self.child_opts(),
        )
        self.collection_rule = monitor.DataCollectionRule(
            child_name(name, "prometheus-dcr"),
            data_collection_rule_name=physical_name(args.name_prefix, "prometheus", limit=64),
            resource_group_name=rg,
            location=args.location,
            kind="Linux",
            tags=tags,
            data_collection_endpoint_id=self.collection_endpoint.id,
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
                        account_resource_id=self.prometheus_workspace.id, name="MonitoringAccount1"
                    )
                ]
            ),
            data_flows=[
                monitor.DataFlowArgs(
                    streams=["Microsoft-PrometheusMetrics"], destinations=["MonitoringAccount1"]
                )
            ],
            opts=self.child_opts(),
        )
        self.collection_associations = [
            monitor.DataCollectionRuleAssociation(
                child_name(name, "prometheus-dcra"),
                association_name=physical_name(args.name_prefix, "prometheus"),
                resource_uri=args.cluster_id,
                data_collection_rule_id=self.collection_rule.id,
                opts=self.child_opts(),
            ),
            # The agent finds its endpoint through an association with exactly this name.
            monitor.DataCollectionRuleAssociation(
                child_name(name, "prometheus-dcea"),
                association_name="configurationAccessEndpoint",
                resource_uri=args.cluster_id,
                data_collection_endpoint_id=self.collection_endpoint.id,
                opts=self.child_opts(),
            ),
        ]
        self.prometheus_rules = alertsmanagement.PrometheusRuleGroup(
            child_name(name, "prometheus-alerts"),
            rule_group_name=physical_name(args.name_prefix, "gpu-alerts", limit="azure:generic"),
            resource_group_name=rg,
            location=args.location,
            tags=tags,
            enabled=True,
            interval="PT1M",
            cluster_name=args.cluster_name,
            scopes=[self.prometheus_workspace.id, args.cluster_id],
            description="GPU and node alerts on the cluster's managed Prometheus metrics.",
            rules=[
                alertsmanagement.PrometheusRuleArgs(
                    alert=a.alert,
                    expression=a.expression,
                    for_=a.for_,
                    severity=2,
                    enabled=True,
                    annotations={"description": a.description},
                    actions=[
                        alertsmanagement.PrometheusRuleGroupActionArgs(action_group_id=self.action_group.id)
                    ],
                    resolve_configuration=alertsmanagement.PrometheusRuleResolveConfigurationArgs(
                        auto_resolved=True, time_to_resolve="PT10M"
                    ),
                )
                for a in prometheus_alerts()
            ],
            opts=self.child_opts(depends_on=self.collection_associations),
        )
