"""AWS's rule for tag keys and values (read by its profile, checked on `tags` for cloud: aws)."""

from __future__ import annotations

from lepton_infra.profiles.tag_rule import TagRule

# AWS tags (docs.aws.amazon.com, "Tag restrictions"): key 1-128 and value 0-256 Unicode characters of
# letters, digits, spaces and `+ - = . _ : / @`; the `aws:` prefix is reserved (any case).
_AWS_TAG_SYMBOLS = set("+-=._:/@")


def _aws_chars(text: str) -> str | None:
    bad = sorted({c for c in text if not (c.isalnum() or c.isspace() or c in _AWS_TAG_SYMBOLS)})
    return f"characters {''.join(bad)!r} are not allowed" if bad else None


def _aws_tag_key(key: str) -> str | None:
    if not 1 <= len(key) <= 128:
        return f"{len(key)} characters (1 to 128 allowed)"
    if key.lower().startswith("aws:"):
        return "the aws: prefix is reserved for AWS"
    return _aws_chars(key)


def _aws_tag_value(value: str) -> str | None:
    if len(value) > 256:
        return f"{len(value)} characters (at most 256)"
    if value.lower().startswith("aws:"):
        return "the aws: prefix is reserved for AWS"
    return _aws_chars(value)


# Printed on the `tags` field of the spec reference.
AWS_TAGS = TagRule(
    "AWS tag",
    "AWS tags: keys of 1-128 and values of up to 256 letters, digits, spaces and + - = . _ : / @; "
    "no aws: prefix",
    _aws_tag_key,
    _aws_tag_value,
)
