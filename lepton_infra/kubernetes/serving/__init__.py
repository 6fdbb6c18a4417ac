"""Inference services: `InferenceService` (`inference.py`), its pod template (`workload.py`) and autoscaler
(`autoscaling.py`), and the cluster-wide pieces autoscaling needs: KEDA (`keda.py`) and, where the cloud runs
none, the metrics API (`metrics_server.py`)."""
