"""Batch jobs: `Kueue` (`kueue.py`) and what it installs as data: the queues and flavors (`queues.py`), the
capacity admission check and workload priorities (`admission.py`), its alert rules (`alerts.py`) and its
Grafana dashboard (`dashboard.py`)."""
