"""Write the image repositories a chart's values.yaml names at an exact tag, for the Binary Authorization
invariant (tests/gcp/test_gcp_binary_authorization.py).

    python tests/kubernetes/chart_values/image_repositories.py <git-dir> <repo-url> <tag> <path> <out.images>
\
        [<from>=<to> ...]

Reads the file with `git -C <git-dir> show <tag>:<path>`. An image is written in values.yaml in one of three
shapes, all recognised: a map with `registry` and `repository` (prometheus-community, KEDA, Grafana), a map
with `repository` alone (a full reference: metrics-server, Kueue, the autoscaler) or `repository` and
`image` (the GPU operator: `<repository>/<image>`), or a string under an `images` map (the KEDA HTTP
add-on). Every image is listed, enabled by default or not: the allowlist then admits every image the
chart can run with the platform's values, and a values change cannot silently need another registry.
A `<from>=<to>` argument rewrites a repository prefix the release process replaces when it packages the
chart (Kueue: the staging registry in values.yaml becomes registry.k8s.io/kueue, hack/helm-chart-package.sh).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from chart_source import source_header, values_at_tag


def repositories(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        repo = node.get("repository")
        if isinstance(repo, str) and repo:
            registry = node.get("registry")
            image = node.get("image")
            if isinstance(registry, str) and registry:
                found.add(f"{registry}/{repo}")
            elif isinstance(image, str) and image:
                found.add(f"{repo}/{image}")
            else:
                found.add(repo)
        images = node.get("images")
        if isinstance(images, dict):
            found |= {v for k, v in images.items() if k != "tag" and isinstance(v, str) and "/" in v}
        for child in node.values():
            found |= repositories(child)
    elif isinstance(node, list):
        for child in node:
            found |= repositories(child)
    return found


def composed_repositories(values: Any) -> set[str]:
    """cert-manager's shape (v1.20+): a top-level `imageRegistry` and `imageNamespace`, and per component an
    `image` map with `name` and an empty `repository` override: `<imageRegistry>/<imageNamespace>/<name>`."""
    if not isinstance(values, dict) or not values.get("imageRegistry") or not values.get("imageNamespace"):
        return set()
    prefix = f"{values['imageRegistry']}/{values['imageNamespace']}"
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            image = node.get("image")
            if isinstance(image, dict) and isinstance(image.get("name"), str) and not image.get("repository"):
                found.add(f"{prefix}/{image['name']}")
            for child in node.values():
                walk(child)

    walk(values)
    return found


def main(git_dir: str, repo_url: str, tag: str, path: str, out: str, *rewrites: str) -> None:
    text, blob = values_at_tag(git_dir, tag, path)
    values = yaml.safe_load(text) or {}
    repos = repositories(values) | composed_repositories(values)
    for rewrite in rewrites:
        old, new = rewrite.split("=", 1)
        repos = {new + r[len(old) :] if r.startswith(old) else r for r in repos}
    header = [
        *source_header("image_repositories.py", repo_url, tag, path, blob, out, rewrites),
        f"# {len(repos)} image repositories",
    ]
    Path(out).write_text("\n".join([*header, *sorted(repos)]) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
