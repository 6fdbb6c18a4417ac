"""The rules, one module per cloud plus the in-cluster and cross-cloud ones."""
