"""How much VPC flow logs record on the node subnet, per environment.

A flow log's volume, and so its bill, grows with three settings (Google's VPC Flow Logs docs, "Log sampling
and processing"; Compute API `SubnetworkLogConfig`, read 2026-12-07 from stored copies):
- `flowSampling`: the fraction of sampled flows kept (records scale linearly with it);
- `aggregationInterval`: a connection that lasts past the interval yields one record per interval, so a
  10-minute interval writes up to 120 times fewer records than 5 seconds for a long-lived connection
  (GPU nodes pulling weights, NCCL between pods); short connections yield one record either way;
- `metadata`: INCLUDE_ALL_METADATA annotates each record with VM, VPC, GKE cluster/pod/service and
  geographic fields, several times the bytes of the bare 5-tuple and counters.
GKE intranode visibility (prod) adds the pod-to-pod flows that stay on one node to the same logs.

Priced by the cost model per GiB stored (cost/fees.yaml `gcp-vended-network-logs-per-gib`); there is no
fixed charge, so the idle cost does not move."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlowLogSettings:
    sampling: float
    aggregation_interval: str
    metadata: str


# dev: enough to see who talks to whom when debugging, at a tenth of the volume and coarse records.
# staging: a quarter of the flows, minute records, no annotations (the addresses map back to pods).
# prod: what a security investigation needs: half the flows (Google's default sampling), 30-second records
#   (a connection is placed to within half a minute) and every annotation (pod, namespace, service, VM).
FLOW_LOGS: dict[str, FlowLogSettings] = {
    "dev": FlowLogSettings(0.1, "INTERVAL_10_MIN", "EXCLUDE_ALL_METADATA"),
    "staging": FlowLogSettings(0.25, "INTERVAL_1_MIN", "EXCLUDE_ALL_METADATA"),
    "prod": FlowLogSettings(0.5, "INTERVAL_30_SEC", "INCLUDE_ALL_METADATA"),
}

# The Compute API's values (SubnetworkLogConfig.AggregationInterval and .Metadata enums).
AGGREGATION_INTERVALS = (
    "INTERVAL_5_SEC",
    "INTERVAL_30_SEC",
    "INTERVAL_1_MIN",
    "INTERVAL_5_MIN",
    "INTERVAL_10_MIN",
    "INTERVAL_15_MIN",
)
METADATA = ("INCLUDE_ALL_METADATA", "EXCLUDE_ALL_METADATA")


def flow_log_settings(environment: str) -> FlowLogSettings:
    return FLOW_LOGS[environment]
