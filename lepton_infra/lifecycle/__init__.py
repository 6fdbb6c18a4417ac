"""The platform's lifecycle over a recorded plan: what `pulumi destroy` deletes in which order and what
each cleanup needs meanwhile (destroy.py, cleanup_needs.py), and the names a destroy leaves held
(held_names.py)."""
