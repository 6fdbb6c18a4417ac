"""`gcp.EncryptionKey`: a KMS key ring and rotating key, usable by exactly the listed service agents."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import at_least, at_most, renamed_fields
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, generation_suffix, physical_name
from lepton_infra.profiles.gcp.tags import GCP_LABELS

MAX_ROTATION_DAYS = 90
ENCRYPTER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter"


@renamed_fields(labels="tags")
@dataclass
class EncryptionKeyArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
    location: pulumi.Input[str]
    """The region: a CMEK key must live where the data it protects lives."""
    name_prefix: str
    """Prefix of the key ring's and key's names (`<platform>-<environment>`)."""
    encrypters: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Members allowed to encrypt and decrypt with the key (`roles/cloudkms.cryptoKeyEncrypterDecrypter`), by
    role name (the URN suffix of each binding): e.g. `{"gke":
    "serviceAccount:service-N@container-engine-robot..."}`. Default: none."""
    rotation_days: int = MAX_ROTATION_DAYS
    """Days between automatic key rotations (1 to 90: a platform key rotates at least every 90 days). Default:
    90."""
    protect: bool = False
    """Pulumi `protect` on the key ring and key: a destroyed key makes every disk and object it encrypts
    unreadable. Default: off (the platform sets it in prod)."""
    tags: dict[str, str] = field(default_factory=dict)
    """GCP resource labels (the platform's: `team`, `cost-center`, ...), checked against GCP's label rules.
    Default: none."""
    generation: int = 1
    """`spec.generation`: the key ring's and key's names, which a destroy leaves held forever, end in `-g<N>`
    from 2 (core/data/held_names.yaml). Default: 1, no suffix."""

    def problems(self) -> Iterator[Problem]:
        yield from at_least("generation", self.generation, 1)
        yield from at_least("rotation_days", self.rotation_days, 1)
        yield from at_most(
            "rotation_days",
            self.rotation_days,
            MAX_ROTATION_DAYS,
            f"a platform key rotates at least every {MAX_ROTATION_DAYS} days",
        )
        yield from GCP_LABELS.problems(self.tags)


class EncryptionKey(Component):
    """`self.key_id` resolves only once every encrypter binding exists: a resource encrypted with it
    (cluster secrets, boot disks, bucket, registry) is never created before its agent may use the key."""

    TOKEN = "lepton:gcp:EncryptionKey"

    def __init__(
        self, name: str, args: EncryptionKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        # Key rings and keys can never be deleted in GCP (only their versions): protect keeps Pulumi from
        # trying, and the 30-day scheduled destruction keeps a destroyed version recoverable.
        self.key_ring = gcp.kms.KeyRing(
            child_name(name, "ring"),
            name=physical_name(
                args.name_prefix, "ring", generation_suffix(args.generation), limit="gcp:generic"
            ),
            project=args.project,
            location=args.location,
            opts=self.child_opts(protect=args.protect),
        )
        self.key = gcp.kms.CryptoKey(
            child_name(name, "key"),
            name=physical_name(
                args.name_prefix, "key", generation_suffix(args.generation), limit="gcp:generic"
            ),
            key_ring=self.key_ring.id,
            purpose="ENCRYPT_DECRYPT",
            rotation_period=f"{args.rotation_days * 86400}s",
            destroy_scheduled_duration=f"{30 * 86400}s",
            version_template=gcp.kms.CryptoKeyVersionTemplateArgs(
                algorithm="GOOGLE_SYMMETRIC_ENCRYPTION", protection_level="SOFTWARE"
            ),
            labels=args.tags,
            opts=self.child_opts(protect=args.protect),
        )
        self.bindings = [
            gcp.kms.CryptoKeyIAMMember(
                child_name(name, f"encrypter-{role}"),
                crypto_key_id=self.key.id,
                role=ENCRYPTER_ROLE,
                member=member,
                opts=self.child_opts(),
            )
            for role, member in sorted(args.encrypters.items())
        ]
        self.binding_of = dict(zip(sorted(args.encrypters), self.bindings, strict=True))  # by role name
        self.key_id: pulumi.Output[str] = pulumi.Output.all(
            self.key.id, *[b.id for b in self.bindings]
        ).apply(lambda v: str(v[0]))
        self.key_ring_id = self.key_ring.id
        self.finish({"key_id": self.key_id, "key_ring_id": self.key_ring_id})
