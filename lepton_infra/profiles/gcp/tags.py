"""GCP's rule for label keys and values (read by its profile, checked on `tags` for cloud: gcp)."""

from __future__ import annotations

from lepton_infra.profiles.tag_rule import TagRule


# GCP labels (cloud.google.com, "Labels overview"): keys 1-63 and values 0-63 characters of lowercase
# letters (international ones too), digits, `_` and `-`; a key starts with a lowercase letter.
def _label_chars(text: str) -> str | None:
    bad = sorted({c for c in text if not (c in "_-" or c.isdigit() or (c.isalpha() and not c.isupper()))})
    return (
        f"characters {''.join(bad)!r} are not allowed (lowercase letters, digits, _ and - only)"
        if bad
        else None
    )


def _label_key(key: str) -> str | None:
    if not 1 <= len(key) <= 63:
        return f"{len(key)} characters (1 to 63 allowed)"
    if not (key[0].isalpha() and not key[0].isupper()):
        return "must start with a lowercase letter"
    return _label_chars(key)


def _label_value(value: str) -> str | None:
    if len(value) > 63:
        return f"{len(value)} characters (at most 63)"
    return _label_chars(value)


# Printed on the `tags` field of the spec reference.
GCP_LABELS = TagRule(
    "GCP label",
    "GCP labels: keys of 1-63 and values of up to 63 lowercase letters, digits, _ and -; "
    "keys start with a letter",
    _label_key,
    _label_value,
)
