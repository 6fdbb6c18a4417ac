"""Managed services billed by the unit: customer-managed keys, log ingestion, the container registry."""

from __future__ import annotations

from lepton_infra.catalog import HOURS_PER_MONTH
from lepton_infra.cost.prices import Price
from lepton_infra.cost.registry import cost_item, rule


@rule("aws:kms/key:Key")
def _aws_kms(r, graph, book):
    yield cost_item(r, "kms", book.fee("aws-kms-key"), 1, 1)


@rule("aws:cloudwatch/logGroup:LogGroup", "gcp:logging/projectSink:ProjectSink")
def _logs(r, graph, book):
    monthly, assumption = book.log_ingestion_monthly()
    price = Price(monthly / HOURS_PER_MONTH, assumption, "assumption")
    yield cost_item(r, "logs", price, 1, 1, note=assumption)


@rule("gcp:kms/cryptoKey:CryptoKey")
def _gcp_kms(r, graph, book):
    yield cost_item(r, "kms", book.fee("gcp-kms-key"), 1, 1)


@rule("azure-native:containerregistry:Registry")
def _acr(r, graph, book):
    yield cost_item(r, "registry", book.fee(f"acr-{str(r.get('sku.name') or 'Basic').lower()}"), 1, 1)
