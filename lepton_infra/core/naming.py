"""Stable, length-safe cloud-side names. URN names stay `f"{name}-{role}"`; the physical name a cloud
sees is built here, separately, so a naming change never changes a resource's identity."""

from __future__ import annotations

import hashlib
import re

# Length limits of the names we create (the tightest per kind).
LIMITS = {
    "aws:iam-role": 64,
    "aws:eks-cluster": 100,
    "aws:node-group": 63,
    "aws:s3-bucket": 63,
    "aws:generic": 128,
    "gcp:generic": 63,
    "gcp:service-account": 30,
    "gcp:bucket": 63,
    "azure:generic": 80,
    "azure:storage-account": 24,
    "azure:key-vault": 24,
    "k8s:label": 63,
}


def child_name(parent: str, role: str) -> str:
    """The URN name of a component's child: stable across versions (renames need an alias)."""
    return f"{parent}-{role}"


def physical_name(
    *parts: str, limit: int | str = "aws:generic", separator: str = "-", alphanumeric_only: bool = False
) -> str:
    """Join parts into a cloud-side name no longer than `limit`. Over the limit, the name is cut and a
    6-char hash of the full name appended, so distinct inputs stay distinct and the result is stable."""
    max_len = LIMITS[limit] if isinstance(limit, str) else limit
    full = separator.join(p for p in parts if p)
    if alphanumeric_only:
        full = re.sub(r"[^a-z0-9]", "", full.lower())
    if len(full) <= max_len:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:6]
    keep = max_len - len(digest) - (0 if alphanumeric_only else len(separator))
    head = full[:keep].rstrip(separator)
    return f"{head}{digest}" if alphanumeric_only else f"{head}{separator}{digest}"


def generation_suffix(generation: int) -> str:
    """The name part that tells a redeploy's held names from the destroyed deployment's (`spec.generation`):
    none for the first generation (so existing names never change), `g<N>` from the second."""
    return "" if generation <= 1 else f"g{generation}"
