"""AWS rules, one module per service, over `aws:*` type tokens (`tokens.py`) and the inputs pulumi-aws 7
sends the engine."""
