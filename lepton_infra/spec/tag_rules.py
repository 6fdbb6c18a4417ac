"""Each cloud's rule for tag/label keys and values, checked for the chosen cloud with the tag named.

The spec's `tags` field accepts any strings; these rules (read by the cloud profiles) refuse what the
chosen cloud would refuse at apply time. Sources are named beside each rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from lepton_infra.core.errors import Problem


@dataclass(frozen=True)
class TagRule:
    """A cloud's rule for tag/label keys and values. Each check returns why a key or value is refused,
    or None."""

    noun: str  # what the cloud calls them: "AWS tag", "GCP label"
    description: str
    key_problem: Callable[[str], str | None]
    value_problem: Callable[[str], str | None]

    def problems(self, tags: Mapping[str, str]) -> Iterator[Problem]:
        fix = f"rename or rewrite it ({self.description})"
        for key, value in tags.items():
            if (why := self.key_problem(key)) is not None:
                yield Problem(f"tags.{key}", key, f"not a valid {self.noun} key: {why}", fix)
            if (why := self.value_problem(value)) is not None:
                yield Problem(f"tags.{key}", value, f"not a valid {self.noun} value: {why}", fix)


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


# Azure tags (learn.microsoft.com, "Tag resources", limitations): names up to 512 characters (128 on
# storage accounts, which the platform's artifact store is, so 128 here), values up to 256; names may not
# contain < > % & \ ? / and may not start with the reserved prefixes microsoft, azure or windows.
_AZURE_KEY_FORBIDDEN = set("<>%&\\?/")
_AZURE_RESERVED_PREFIXES = ("microsoft", "azure", "windows")


def _azure_tag_key(key: str) -> str | None:
    if not 1 <= len(key) <= 128:
        return f"{len(key)} characters (1 to 128 allowed: storage accounts' limit)"
    bad = sorted(set(key) & _AZURE_KEY_FORBIDDEN)
    if bad:
        return f"characters {''.join(bad)!r} are not allowed in tag names"
    if key.lower().startswith(_AZURE_RESERVED_PREFIXES):
        return "prefixes microsoft, azure and windows are reserved for Azure"
    return None


def _azure_tag_value(value: str) -> str | None:
    return f"{len(value)} characters (at most 256)" if len(value) > 256 else None


# Each rule's description is printed on the `tags` field of the spec reference.
AWS_TAGS = TagRule(
    "AWS tag",
    "AWS tags: keys of 1-128 and values of up to 256 letters, digits, spaces and + - = . _ : / @; "
    "no aws: prefix",
    _aws_tag_key,
    _aws_tag_value,
)
GCP_LABELS = TagRule(
    "GCP label",
    "GCP labels: keys of 1-63 and values of up to 63 lowercase letters, digits, _ and -; "
    "keys start with a letter",
    _label_key,
    _label_value,
)
AZURE_TAGS = TagRule(
    "Azure tag",
    "Azure tags: names up to 128 characters without < > % & \\ ? / or a microsoft/azure/windows "
    "prefix, values up to 256",
    _azure_tag_key,
    _azure_tag_value,
)
