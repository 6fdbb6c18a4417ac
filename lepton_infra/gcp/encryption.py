"""`gcp.EncryptionKey`: a KMS key ring and rotating key, usable by exactly the listed service agents."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import check_args
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name, generation_suffix, physical_name
from lepton_infra.gcp.arg_checks import encryption_key_problems

MAX_ROTATION_DAYS = 90
ENCRYPTER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter"


@dataclass
class EncryptionKeyArgs:
    project: pulumi.Input[str]
    location: pulumi.Input[str]  # the region: a CMEK must live where the data it protects lives
    name_prefix: str
    # Members allowed to encrypt/decrypt with the key, by role name (the URN suffix of each binding):
    # e.g. {"gke": "serviceAccount:service-N@container-engine-robot...", "compute": ...}.
    encrypters: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    rotation_days: int = MAX_ROTATION_DAYS
    protect: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    generation: int = 1
    """`spec.generation`: names a destroy leaves behind (the ring and key) end in `g<N>` from 2."""


class EncryptionKey(Component):
    """`self.key_id` resolves only once every encrypter binding exists: a resource encrypted with it
    (cluster secrets, boot disks, bucket, registry) is never created before its agent may use the key."""

    TOKEN = "lepton:gcp:EncryptionKey"

    def __init__(
        self, name: str, args: EncryptionKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        check_args(self.TOKEN, name, encryption_key_problems(args))  # before anything is registered
        super().__init__(name, opts)
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
            labels=args.labels,
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
        self.key_id: pulumi.Output[str] = pulumi.Output.all(
            self.key.id, *[b.id for b in self.bindings]
        ).apply(lambda v: str(v[0]))
        self.key_ring_id = self.key_ring.id
        self.finish({"key_id": self.key_id, "key_ring_id": self.key_ring_id})
