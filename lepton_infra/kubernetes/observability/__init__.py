"""Observability: `Observability` (`observability.py`, kube-prometheus-stack), the platform's GPU and node
alert rules (`alerts.py`) and its GPU dashboard (`dashboards.py`). Each feature's own alerts and dashboards
live with the feature (`jobs/`, `traffic/`)."""
