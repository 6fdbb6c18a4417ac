"""The GCP type tokens the rules read (pulumi-gcp), and the clouds a GCP rule names."""

from __future__ import annotations

GCP = ("gcp",)
CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
FIREWALL = "gcp:compute/firewall:Firewall"
SUBNETWORK = "gcp:compute/subnetwork:Subnetwork"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
BUCKET = "gcp:storage/bucket:Bucket"
FILESTORE_INSTANCE = "gcp:filestore/instance:Instance"
REPOSITORY = "gcp:artifactregistry/repository:Repository"
IAM_MEMBER_TYPES = (
    "gcp:projects/iAMMember:IAMMember",
    "gcp:organizations/iAMMember:IAMMember",
    "gcp:folder/iAMMember:IAMMember",
)
IAM_BINDING_TYPES = (
    "gcp:projects/iAMBinding:IAMBinding",
    "gcp:organizations/iAMBinding:IAMBinding",
    "gcp:folder/iAMBinding:IAMBinding",
)
IAM_POLICY_TYPES = (
    "gcp:projects/iAMPolicy:IAMPolicy",
    "gcp:organizations/iAMPolicy:IAMPolicy",
    "gcp:folder/iAMPolicy:IAMPolicy",
)
BINAUTHZ_POLICY = "gcp:binaryauthorization/policy:Policy"
AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
GCP_ZONE = "gcp:dns/managedZone:ManagedZone"
GCP_RECORD = "gcp:dns/recordSet:RecordSet"
