"""In-cluster rules, one module per concern, over `kubernetes:*` type tokens (`tokens.py`): the same on
every cloud.

Helm releases are opaque here (their values are not rendered objects); the rules see the objects a
program declares itself, which is where the platform's workloads and tenants live."""
