"""Tenants: `Tenant` (`tenant.py`) and its isolation as data (`isolation.py`: quota, default limits,
network policies, the admin Role)."""
