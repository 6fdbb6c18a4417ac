"""GCP rules, one module per service, over `gcp:*` type tokens (`tokens.py`) and the inputs pulumi-gcp
sends the engine."""
