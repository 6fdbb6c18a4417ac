"""`gcp.BinaryAuthorizationPolicy`: the project's singleton Binary Authorization policy, as code.

An allowlist, not attestations: REQUIRE_ATTESTATION needs attestors and a signing pipeline the platform
does not own. The policy admits exactly the registries the platform's workloads come from (the platform's
Artifact Registry repository, each pinned chart's image repositories, each service's image repository,
the spec's extra patterns) and Google's global policy for GKE system images; the default rule denies
everything else. Pattern syntax (Binary Authorization API, AdmissionWhitelistPattern.namePattern):
`registry/path/to/image`, a trailing `*` matching text without `/`, a trailing `**` matching anything below.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import one_of
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.images import chart_image_patterns, repository_pattern
from lepton_infra.profiles.gcp.knobs import GcpKnobs
from lepton_infra.spec.problems import like_spec_field

# What the cluster evaluates: the project's singleton policy (GKE `binaryAuthorization.evaluationMode`).
CLUSTER_ENFORCES_PROJECT_POLICY = "PROJECT_SINGLETON_POLICY_ENFORCE"
CLUSTER_DISABLED = "DISABLED"
ENFORCEMENT = {"enforce": "ENFORCED_BLOCK_AND_AUDIT_LOG", "dryrun": "DRYRUN_AUDIT_LOG_ONLY"}


def image_repository(image: str) -> str:
    """`ghcr.io/acme/app:1.4@sha256:...` -> `ghcr.io/acme/app` (a port in the registry host is kept)."""
    name = image.split("@", 1)[0]
    head, _, last = name.rpartition("/")
    return f"{head}/{last.split(':', 1)[0]}" if head else last.split(":", 1)[0]


def allowlist_patterns(registry_url: str, service_images: Sequence[str], extra: Sequence[str]) -> list[str]:
    """Every pattern the platform's policy admits, sorted and without duplicates."""
    return sorted(
        {
            f"{registry_url}/**",
            *chart_image_patterns(),
            *(repository_pattern(image_repository(i)) for i in service_images),
            *extra,
        }
    )


@dataclass
class BinaryAuthorizationPolicyArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The project whose singleton Binary Authorization policy this writes (replacing any it had)."""
    registry_url: pulumi.Input[str]
    """The platform's Artifact Registry repository, `<region>-docker.pkg.dev/<project>/<repository>`:
    everything under it is admitted."""
    mode: str
    """`enforce` blocks the images the policy denies; `dryrun` admits them and writes an audit log entry."""
    service_images: Sequence[str] = field(default_factory=list)
    """Images the services run: their repositories are admitted. Default: none."""
    extra_patterns: Sequence[str] = field(default_factory=list)
    """More admitted patterns (`registry/path/**`; the spec's `gcp.binary_authorization_allowlist`). Default:
    none."""
    protect: bool = False
    """Pulumi `protect` on the stateful resources: `pulumi destroy` and replacements stop at them. Default:
    off (the platform sets it in prod)."""

    def problems(self) -> Iterator[Problem]:
        yield from one_of("mode", self.mode, sorted(ENFORCEMENT), "Binary Authorization mode")
        yield from like_spec_field(
            "extra_patterns", list(self.extra_patterns), GcpKnobs, "binary_authorization_allowlist"
        )


class BinaryAuthorizationPolicy(Component):
    TOKEN = "lepton:gcp:BinaryAuthorizationPolicy"

    def __init__(
        self, name: str, args: BinaryAuthorizationPolicyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        patterns = pulumi.Output.from_input(args.registry_url).apply(
            lambda url: [
                gcp.binaryauthorization.PolicyAdmissionWhitelistPatternArgs(name_pattern=p)
                for p in allowlist_patterns(url, args.service_images, args.extra_patterns)
            ]
        )
        self.policy = gcp.binaryauthorization.Policy(
            child_name(name, "policy"),
            project=args.project,
            description="lepton-infra: admit the platform's registries only (docs/security.md).",
            # Google-maintained allowlist of GKE system images (kube-system, GKE-managed GPU drivers).
            global_policy_evaluation_mode="ENABLE",
            admission_whitelist_patterns=patterns,
            default_admission_rule=gcp.binaryauthorization.PolicyDefaultAdmissionRuleArgs(
                evaluation_mode="ALWAYS_DENY", enforcement_mode=ENFORCEMENT[args.mode]
            ),
            opts=self.child_opts(protect=args.protect),
        )
        self.finish({"policy": self.policy.id})
