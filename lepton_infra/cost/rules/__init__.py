"""The cost rules: one module per priced concept, each registering a function per type token."""
