"""The way in: `Traffic` (`traffic.py`) builds what `traffic_plan.py` derives from the spec and the cloud's
`IngressFacts`: routes (`routes.py`), certificates (`certificates.py`) and their alert rules
(`certificate_alerts.py`)."""
