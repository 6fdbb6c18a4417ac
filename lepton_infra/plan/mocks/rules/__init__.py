"""The mock rules: one module per cloud (and one for Kubernetes), each registering plausible outputs per
type token and answers per invoke token."""
