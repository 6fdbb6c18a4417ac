"""Azure's rule for tag names and values (read by its profile, checked on `tags` for cloud: azure)."""

from __future__ import annotations

from lepton_infra.profiles.tag_rule import TagRule

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


# Printed on the `tags` field of the spec reference.
AZURE_TAGS = TagRule(
    "Azure tag",
    "Azure tags: names up to 128 characters without < > % & \\ ? / or a microsoft/azure/windows "
    "prefix, values up to 256",
    _azure_tag_key,
    _azure_tag_value,
)
