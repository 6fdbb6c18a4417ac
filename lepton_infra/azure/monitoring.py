"""`azure.Monitoring`: the Log Analytics workspace, VNet flow logs (to a CMK storage account, analysed
into the workspace), the e-mail action group, cluster alerts, and the monthly budget over the platform's
and the cluster's node resource groups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pulumi
from pulumi_azure_native import (
    consumption,
    managedidentity,
    monitor,
    network,
    operationalinsights,
    storage,
)

from lepton_infra.azure.planning import (
    MAX_BUDGET_THRESHOLD_PERCENT,
    action_group_short_name,
    budget_start,
    storage_account_name,
    workspace_retention_days,
)
from lepton_infra.azure.prometheus import managed_prometheus
from lepton_infra.azure.roles import grant
from lepton_infra.azure.storage_account import hardened_storage_account
from lepton_infra.core.args import at_most, known
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.profiles.azure.limits import (
    BUDGET_FORECAST_THRESHOLDS,
    MAX_BUDGET_NOTIFICATIONS,
    MAX_FLOW_LOG_RETENTION_DAYS,
)
from lepton_infra.profiles.azure.tags import AZURE_TAGS
from lepton_infra.spec import BudgetSpec, MonitoringSpec, NetworkSpec
from lepton_infra.spec.problems import like_spec_field

CONTROL_PLANE_LOGS = ("kube-audit-admin", "guard")


@dataclass
class MonitoringArgs(ComponentArgs):
    name_prefix: str
    """Prefix of cloud-side names (`<platform>-<environment>`)."""
    location: str
    """The Azure region (e.g. `eastus`)."""
    resource_group_name: pulumi.Input[str]
    """The resource group (its name) the resources are created in (`Network.resource_group_name`)."""
    budget_resource_groups: Sequence[pulumi.Input[str]]
    """The resource groups (their names) the budget counts: the platform's and the cluster's node resource
    group, where AKS bills node VMs, their disks and load balancers."""
    subscription_id: str
    """The subscription id: role assignments and built-in role definitions are scoped by it."""
    cluster_id: pulumi.Input[str]
    """The AKS cluster (its id): its diagnostic settings and metric alerts."""
    cluster_name: pulumi.Input[str]
    """The AKS cluster's name (the Prometheus rule group names it)."""
    vnet_id: pulumi.Input[str]
    """The VNet (its id) whose flow log is written."""
    network_watcher_resource_group: str
    """Resource group of the subscription's Network Watcher for the region (Azure's `NetworkWatcherRG`): the
    VNet flow log is created in it."""
    key_vault_uri: pulumi.Input[str]
    """The Key Vault's URI holding the key the flow-log storage account is encrypted with."""
    key_name: pulumi.Input[str]
    """The key's name in that vault."""
    encryption_identity_id: pulumi.Input[str]
    """The user-assigned identity (its id) with crypto access to the key, used by the flow-log storage
    account."""
    encryption_dependencies: list[pulumi.Resource] = field(default_factory=list)
    """Resources the customer-managed-key encryption waits for (the identity's grant on the key): Azure
    refuses the key until the grant exists. Default: none."""
    alert_emails: Sequence[str] = ()
    """Receivers of the e-mail action group (alerts) and the budget's notices. Default: none."""
    retention_days: int = 30
    """Retention of the Log Analytics workspace in days (at least 30 on the pay-as-you-go tier: smaller values
    are raised to 30). Default: 30."""
    flow_log_retention_days: int = 90
    """Days the VNet flow logs are kept in their storage account (at most 365). Default: 90."""
    budget_usd: float | None = None
    """Monthly budget in USD over `budget_resource_groups` (actual spend at `budget_thresholds`, plus the
    month's forecast at 100 %). Default: none, no budget."""
    budget_thresholds: Sequence[int] = (80, 100)
    """Percentages of `budget_usd` whose actual spend notifies (at most 4: Azure's 5 notifications less the
    forecast's; each in (0, 1000]). Default: 80 and 100."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Azure tags on every resource (the platform's: `team`, `cost-center`, ...), checked against Azure's tag
    rules. Default: none."""
    protect: bool = False
    """Pulumi `protect` on the stateful resources: `pulumi destroy` and replacements stop at them. Default:
    off (the platform sets it in prod)."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("alert_emails", list(self.alert_emails), MonitoringSpec, "alert_emails")
        yield from like_spec_field("retention_days", self.retention_days, MonitoringSpec, "retention_days")
        yield from like_spec_field(
            "flow_log_retention_days", self.flow_log_retention_days, NetworkSpec, "flow_log_retention_days"
        )
        yield from at_most(
            "flow_log_retention_days",
            self.flow_log_retention_days,
            MAX_FLOW_LOG_RETENTION_DAYS,
            f"VNet flow logs keep at most {MAX_FLOW_LOG_RETENTION_DAYS} days",
        )
        yield from like_spec_field("budget_usd", self.budget_usd, BudgetSpec, "monthly_usd")
        thresholds = list(self.budget_thresholds)
        room = MAX_BUDGET_NOTIFICATIONS - len(BUDGET_FORECAST_THRESHOLDS)
        if len(thresholds) > room:
            yield Problem(
                "budget_thresholds",
                thresholds,
                f"an Azure budget has at most {MAX_BUDGET_NOTIFICATIONS} notifications, and the budget adds "
                f"{len(BUDGET_FORECAST_THRESHOLDS)} on the month's forecast",
                f"keep at most {room} thresholds",
            )
        for i, threshold in enumerate(thresholds):
            if known(threshold) and not 0 < threshold <= MAX_BUDGET_THRESHOLD_PERCENT:
                yield Problem(
                    f"budget_thresholds[{i}]",
                    threshold,
                    f"Azure budget thresholds lie in (0, {MAX_BUDGET_THRESHOLD_PERCENT}] percent",
                    f"use a percentage between 1 and {MAX_BUDGET_THRESHOLD_PERCENT}",
                )
        yield from AZURE_TAGS.problems(self.tags)


class Monitoring(Component):
    TOKEN = "lepton:azure:Monitoring"

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
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
        self.prometheus = managed_prometheus(
            self,
            name,
            name_prefix=args.name_prefix,
            location=args.location,
            resource_group_name=args.resource_group_name,
            cluster_id=args.cluster_id,
            cluster_name=args.cluster_name,
            action_group_id=self.action_group.id,
            tags=tags,
        )

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
