"""The pinned Helm charts of the in-cluster layer (`pinned.py`), how one is installed (`helm.py`), the image
repositories each can run (`images.py`) and the pod hardening the platform adds to their values
(`hardening.py`). The versions themselves, and the Kubernetes minors each supports, are data the spec reads
without the SDK, so they live in core/data/chart_support.yaml (read by core/chart_support.py)."""
