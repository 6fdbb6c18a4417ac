"""Spec fixtures shared by the GCP tests: one prod and one dev platform, close to the shipped stacks."""

from __future__ import annotations

from typing import Any

PROJECT_NUMBER = "123456789012"  # what the offline getProject mock answers


def prod_spec() -> dict[str, Any]:
    return {
        "name": "acme-ai",
        "environment": "prod",
        "cloud": "gcp",
        "region": "us-central1",
        "network": {"cidr": "10.40.0.0/16", "zones": 3},
        "cluster": {"version": "1.36", "authorized_networks": ["10.99.0.0/16"]},
        "node_pools": [
            {"name": "system", "cpu": "standard-4", "min": 2, "max": 4},
            {"name": "h100", "gpu": {"type": "h100-80gb", "count": 8}, "min": 0, "max": 2},
            {"name": "l4-spot", "gpu": {"type": "l4", "count": 1}, "min": 0, "max": 16, "spot": True},
        ],
        "monitoring": {
            "alert_emails": ["oncall@acme.dev", "ml@acme.dev"],
            # Alerts need a relay to be mailed (spec/alerting_rules.py).
            "smtp": {
                "relay": "smtp.sendgrid.net:587",
                "from": "alerts@acme.dev",
                "username": "apikey",
                "password": {"secret": "alertmanager-smtp", "key": "password"},
            },
        },
        "budget": {"monthly_usd": 50000},
        "tags": {"team": "ml-platform", "cost-center": "1234"},
        "gcp": {"project": "acme-ai-prod", "billing_account": "012345-6789AB-CDEF01"},
    }


def dev_spec() -> dict[str, Any]:
    return {
        "name": "acme-ai",
        "environment": "dev",
        "cloud": "gcp",
        "region": "us-central1",
        "cluster": {"authorized_networks": ["203.0.113.0/24"]},
        "node_pools": [
            {"name": "system", "cpu": "standard-4", "min": 1, "max": 3},
            {"name": "l4-spot", "gpu": {"type": "l4", "count": 1}, "min": 0, "max": 4, "spot": True},
        ],
        "tags": {"team": "ml-platform", "cost-center": "1234"},
        "gcp": {"project": "acme-ai-dev"},
    }
